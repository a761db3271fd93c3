import { z } from 'zod';
import { withRules } from './validation-rule.js';

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const requirement = z.object({
  key: z
    .string()
    .min(1)
    .max(317)
    .regex(LABEL_KEY, { message: 'must be a label key' })
    .meta({ description: 'The label key the requirement applies to.' }),
  operator: z
    .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'])
    .meta({ description: 'How the key relates to the values: In, NotIn, Exists or DoesNotExist.' }),
  values: z
    .array(z.string().max(63))
    .max(64)
    .optional()
    .meta({ description: 'Values for In and NotIn; must be empty for Exists and DoesNotExist.' }),
});

/** A standard Kubernetes label selector (matchLabels and matchExpressions, ANDed). */
export function labelSelector(description: string) {
  return z
    .object({
      matchLabels: z
        .record(z.string(), z.string().max(63))
        .optional()
        .meta({ description: 'Labels that must all be present with these values.' }),
      matchExpressions: z
        .array(
          withRules(requirement, 'A label requirement.', [
            {
              rule: "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0 : !has(self.values) || size(self.values) == 0",
              message: 'values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist',
              holds: (r) => (r.operator === 'In' || r.operator === 'NotIn') === (r.values?.length ?? 0) > 0,
            },
          ]),
        )
        .max(16)
        .optional()
        .meta({ description: 'Label requirements that must all hold.' }),
    })
    .meta({ description, 'x-kubernetes-map-type': 'atomic' });
}

export type LabelSelector = z.infer<ReturnType<typeof labelSelector>>;
