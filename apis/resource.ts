import { z } from 'zod';
import { API_VERSION } from './group-version.js';

/** Object metadata as the governor needs it; everything else the API server sets passes through. */
export const objectMeta = z
  .looseObject({
    name: z.string().max(253).optional(),
    namespace: z.string().max(63).optional(),
    generation: z.int().optional(),
    resourceVersion: z.string().optional(),
    uid: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .meta({ description: 'Standard object metadata.' });

/** The full object schema of a governor kind: apiVersion, kind, metadata, spec, status. */
export function resource<K extends string, Spec extends z.ZodType, Status extends z.ZodType>(
  kind: K,
  spec: Spec,
  status: Status,
) {
  return z.object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(kind),
    metadata: objectMeta,
    spec,
    status: status.optional(),
  });
}
