import { z } from 'zod';
import { mapList } from './list-types.js';
import { withRules } from './validation-rule.js';

/** What the sidecar does with a call past a reasoning limit (docs/adr/0047-simpler-answer-past-the-reasoning-budget.md). */
export const REASONING_EXCEEDED_ACTIONS = ['Refuse', 'Simplify', 'Defer'] as const;
export type ReasoningExceededAction = (typeof REASONING_EXCEEDED_ACTIONS)[number];

const simplify = z
  .object({
    model: z.string().min(1).max(253).meta({
      description:
        'Cheaper model that answers a call past the limit, e.g. gpt-4o-mini; it is called through the route of the model asked for.',
    }),
    maxTokens: z.int().min(1).max(10_000_000).optional().meta({
      description:
        'Max output tokens of the simplified call; default maxTokensPerRequest, else what the request asked for.',
    }),
  })
  .meta({ description: 'How a call past the limit is simplified (onExceeded: Simplify).' });

const defer = z
  .object({
    completionWindow: z.enum(['24h']).optional().meta({
      description: "How long the provider's batch may take; 24h (the only window the batch APIs offer).",
    }),
  })
  .meta({
    description: "How a call past the limit is deferred to the provider's batch API (onExceeded: Defer).",
  });

const limits = {
  maxTokensPerRequest: z.int().min(1).max(10_000_000).optional().meta({
    description:
      'Upper bound for max_tokens / max_completion_tokens of one request; larger values are clamped (Refuse) or simplified (Simplify).',
  }),
  maxInputTokensPerRequest: z.int().min(1).max(10_000_000).optional().meta({
    description:
      'Most input tokens one request may send, as the sidecar estimates them before the call (generously: it over-counts prose by about a third); larger requests are refused with 400, whatever onExceeded says.',
  }),
  maxCallsPerTrace: z.int().min(1).max(100_000).optional().meta({
    description:
      'Most model calls one trace (W3C traceparent or x-governor-trace-id) may make, counted across all pods of the agent; further calls are refused with 429 (Refuse) or simplified (Simplify).',
  }),
  maxChainDepth: z.int().min(1).max(1_000).optional().meta({
    description:
      'Deepest agent-to-agent chain allowed (header x-governor-chain-depth); deeper calls are refused with 429 (Refuse) or simplified (Simplify).',
  }),
  onExceeded: z.enum(REASONING_EXCEEDED_ACTIONS).optional().meta({
    description:
      "What a call past maxTokensPerRequest, maxCallsPerTrace or maxChainDepth gets: Refuse (default: the output is clamped, a trace or chain over its limit gets 429), Simplify (the cheaper simplify.model answers it, its output capped at simplify.maxTokens) or Defer (a trace or chain over its limit is sent to the provider's batch API at the batch price; the agent gets 202 and polls GET /v1/governor/deferred/{id}).",
  }),
  simplify: simplify.optional(),
  defer: defer.optional(),
};

const SIMPLIFY_NEEDS_MODEL = {
  rule: "!has(self.onExceeded) || self.onExceeded != 'Simplify' || has(self.simplify)",
  message: 'onExceeded: Simplify requires simplify.model, the cheaper model that answers past the limit',
  fieldPath: '.simplify',
  holds: (v: { onExceeded?: ReasoningExceededAction | undefined; simplify?: unknown }) =>
    v.onExceeded !== 'Simplify' || v.simplify !== undefined,
};

const useCase = z
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
  .meta({ description: 'Limits for one use case; unset fields fall back to the budget-wide limits.' });

/** Per-request limits on how much an agent may "think": output and input tokens, calls per trace, chain depth. */
export const reasoningBudget = withRules(
  z.object({
    ...limits,
    useCases: mapList(
      useCase,
      'name',
      'Limits per use case (request header x-governor-use-case).',
      32,
    ).optional(),
  }),
  'Per-request reasoning budget applied by the sidecar to every call of the selected agents.',
  [
    SIMPLIFY_NEEDS_MODEL,
    {
      rule: "!has(self.useCases) || has(self.simplify) || self.useCases.all(u, !has(u.onExceeded) || u.onExceeded != 'Simplify' || has(u.simplify))",
      message: 'a use case with onExceeded: Simplify requires simplify.model, its own or the budget-wide one',
      fieldPath: '.useCases',
      holds: (v) =>
        v.simplify !== undefined ||
        (v.useCases ?? []).every((u) => u.onExceeded !== 'Simplify' || u.simplify !== undefined),
    },
  ],
);

export type ReasoningBudget = z.infer<typeof reasoningBudget>;
