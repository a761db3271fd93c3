import { z } from 'zod';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The name of an object in the same namespace. */
export function objectName(description: string) {
  return z
    .string()
    .min(1)
    .max(253)
    .regex(DNS_SUBDOMAIN, { message: 'must be a lowercase DNS subdomain name' })
    .meta({ description });
}

/** A key of a Secret in the policy's namespace (provider keys, signing secrets). */
export function secretKeyRef(description: string) {
  return z
    .object({
      name: objectName('Name of the Secret, in the same namespace as this object.'),
      key: z.string().min(1).max(253).meta({ description: 'Key within the Secret.' }),
    })
    .meta({ description });
}

/** A reference by name to another governor object in the same namespace. */
export function localRef(description: string, kind: string) {
  return z.object({ name: objectName(`Name of the ${kind} in the same namespace.`) }).meta({ description });
}
