import { z } from 'zod';
import { mapList } from './list-types.js';

const limits = {
  maxTokensPerRequest: z.int().min(1).max(10_000_000).optional().meta({
    description:
      'Upper bound for max_tokens / max_completion_tokens of one request; larger values are clamped.',
  }),
  maxInputTokensPerRequest: z.int().min(1).max(10_000_000).optional().meta({
    description:
      'Most input tokens one request may send, as the sidecar estimates them before the call (generously: it over-counts prose by about a third); larger requests are refused with 400.',
  }),
  maxCallsPerTrace: z.int().min(1).max(100_000).optional().meta({
    description:
      'Most model calls one trace (W3C traceparent or x-governor-trace-id) may make, counted across all pods of the agent; further calls are refused with 429.',
  }),
  maxChainDepth: z.int().min(1).max(1_000).optional().meta({
    description:
      'Deepest agent-to-agent chain allowed (header x-governor-chain-depth); deeper calls are refused.',
  }),
};

/** Per-request limits on how much an agent may "think": output and input tokens, calls per trace, chain depth. */
export const reasoningBudget = z
  .object({
    ...limits,
    useCases: mapList(
      z
        .object({
          name: z
            .string()
            .min(1)
            .max(63)
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
              message: 'must be a lowercase name such as summarize',
            })
            .meta({ description: 'Use case name, matched against the x-governor-use-case request header.' }),
          ...limits,
        })
        .meta({ description: 'Limits for one use case; unset fields fall back to the budget-wide limits.' }),
      'name',
      'Limits per use case (request header x-governor-use-case).',
      32,
    ).optional(),
  })
  .meta({
    description: 'Per-request reasoning budget applied by the sidecar to every call of the selected agents.',
  });

export type ReasoningBudget = z.infer<typeof reasoningBudget>;
