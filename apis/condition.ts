import { z } from 'zod';

/**
 * A kstatus-compatible condition (`Ready`, `Reconciling`, `Stalled`), shaped like metav1.Condition
 * so Flux, Argo CD and `kubectl wait --for=condition=Ready` understand it.
 */
export const condition = z
  .object({
    type: z
      .string()
      .max(316)
      .meta({ description: 'Condition type: Ready, Reconciling or Stalled (kstatus).' }),
    status: z.enum(['True', 'False', 'Unknown']).meta({ description: 'True, False or Unknown.' }),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'The .metadata.generation the condition was set from.' }),
    lastTransitionTime: z
      .string()
      .max(64)
      .meta({ description: 'When the status last changed (RFC 3339).', format: 'date-time' }),
    reason: z.string().max(1024).meta({ description: 'One CamelCase word saying why.' }),
    message: z.string().max(32768).meta({ description: 'What a person needs to know, in a sentence.' }),
  })
  .meta({ description: 'One observation of the object state.' });

export type Condition = z.infer<typeof condition>;

export const conditions = z
  .array(condition)
  .max(8)
  .optional()
  .meta({
    description: 'Ready, Reconciling and Stalled, as kstatus expects.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });

export const observedGeneration = z.int().min(0).optional().meta({
  description:
    'The .metadata.generation the status reflects; status is current when it equals the generation.',
});
