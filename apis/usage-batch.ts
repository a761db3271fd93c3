import { z } from 'zod';
import { CIRCUIT_STATES } from './fallback-route.js';

/** Outcomes a sidecar counts per call; SLO success ratios are built from them. */
export const CALL_OUTCOMES = [
  'Success',
  'ClientError',
  'ServerError',
  'Timeout',
  'StaticFallback',
  'Rejected',
  'CacheHit',
] as const;

/**
 * Upper bounds (ms) of the latency histogram every sidecar reports. Fixed, so ledgers can add
 * buckets of any sidecar and of any batch; dense below 5 s where SLO thresholds live.
 */
export const LATENCY_BUCKETS_MS = [
  50, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000, 60000,
] as const;

/**
 * Upper bounds of the token histograms (prompt and completion tokens per call) a sidecar reports for
 * drift (docs/adr/0056-drift-against-a-baseline.md): powers of two, so an answer 2× longer or more
 * always moves at least one bucket; fixed, so ledgers add histograms of any sidecar.
 */
export const TOKEN_BUCKETS = [
  8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
] as const;
/** Slots of a token histogram: one per TOKEN_BUCKETS bound plus the overflow slot. */
export const TOKEN_SLOTS = TOKEN_BUCKETS.length + 1;

/**
 * Why an answer ended, the providers' words folded into five: `Stop` (stop, end_turn, stop_sequence,
 * completed), `Length` (length, max_tokens, incomplete), `ToolCalls` (tool_calls, tool_use,
 * function_call), `ContentFilter` (content_filter, refusal), `Other` (any other word).
 */
export const FINISH_REASONS = ['Stop', 'Length', 'ToolCalls', 'ContentFilter', 'Other'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/**
 * The shape of an entry's answers, for drift: token histograms, why answers ended, and how many
 * refused, called a tool or were re-asks. Bounded: fixed slots and five reasons.
 */
export const callShape = z.object({
  /** Calls per TOKEN_BUCKETS bound of their prompt (input) tokens, then overflow. */
  promptTokens: z.array(z.int().min(0)).length(TOKEN_SLOTS),
  /** Calls per TOKEN_BUCKETS bound of their completion (output) tokens, then overflow. */
  completionTokens: z.array(z.int().min(0)).length(TOKEN_SLOTS),
  /** Answers by finish reason (JSON answers; a stream's reason is not read). */
  finishReasons: z.partialRecord(z.enum(FINISH_REASONS), z.int().min(0)).default({}),
  /** Answers the model refused (a refusal field, or finish reason refusal / content_filter). */
  refusals: z.int().min(0).default(0),
  /** Answers that called a tool. */
  toolCalls: z.int().min(0).default(0),
  /** Calls that asked again what their conversation had just asked (docs/adr/0052-feedback-on-calls.md). */
  reAsks: z.int().min(0).default(0),
});

/** Outcomes an experiment counts as a variant's errors (a budget's refusal is not the variant's doing). */
export const EXPERIMENT_ERROR_OUTCOMES = ['ServerError', 'Timeout', 'StaticFallback', 'ClientError'] as const;

/**
 * What an entry adds to its experiment variant beyond the entry's own tokens and cost: the calls the
 * variant answered or failed (refused calls left out), its errors, and the sums a mean and its
 * variance need. The entry's requests, tokens and cost are the variant's (refused calls add none).
 */
export const experimentTally = z.object({
  name: z.string().min(1).max(63),
  variant: z.string().min(1).max(63),
  calls: z.int().min(0),
  errors: z.int().min(0),
  /** Sum over calls of (input + output tokens)². */
  tokensSquares: z.number().min(0),
  /** Sum over calls of costMicros². */
  costMicrosSquares: z.number().min(0),
  /** Sum of the calls' latencies, ms. */
  latencyMs: z.number().min(0),
  /** Sum over calls of latency², ms². */
  latencyMsSquares: z.number().min(0),
});

export const usageEntry = z.object({
  /** Start of the minute the calls fall in; late batches land in the period of this time. */
  minute: z.iso.datetime({ offset: true }),
  model: z.string().min(1),
  /** The FallbackRoute that answered (absent without a route, or from a sidecar before routes were reported). */
  route: z.string().optional(),
  /** The route target that answered. */
  target: z.string().optional(),
  useCase: z.string().optional(),
  requests: z.int().min(0),
  inputTokens: z.int().min(0),
  outputTokens: z.int().min(0),
  cachedInputTokens: z.int().min(0).default(0),
  /** Tokens counted with the tokenizer because the provider reported none (broken stream). */
  estimatedTokens: z.int().min(0).default(0),
  /** Cost of the calls in micro-units of `currency`; 0 for unpriced calls. */
  costMicros: z.int().min(0),
  /**
   * ISO 4217 currency of `costMicros`: the currency of the model's price. Absent means USD (what
   * every sidecar counted in before prices had a currency), so old batches read as they meant.
   */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /**
   * The model had no price (neither declared nor built-in): the calls' cost is not in costMicros,
   * and each budget counts them by its own rule from their tokens. Absent means priced.
   */
  unpriced: z.boolean().optional(),
  outcomes: z.partialRecord(z.enum(CALL_OUTCOMES), z.int().min(0)).default({}),
  /** Counts per LATENCY_BUCKETS_MS bound plus one overflow bucket. */
  latencyBuckets: z.array(z.int().min(0)).length(LATENCY_BUCKETS_MS.length + 1),
  /** The experiment variant of the calls (docs/adr/0051-route-experiments.md); absent outside an experiment. */
  experiment: experimentTally.optional(),
  /** The shape of the answers, for drift; absent from sidecars before drift (still accepted). */
  shape: callShape.optional(),
});

/** Most routes, and targets per route, one circuit report names (a FallbackRoute has at most 10 targets). */
export const MAX_REPORTED_ROUTES = 16;
export const MAX_REPORTED_TARGETS = 10;

/**
 * The circuits of one sidecar as it saw them at `observedAt` (docs/adr/0041-circuit-reports.md):
 * per route the targets it has a breaker for, and the target its calls go to first now.
 */
export const circuitReport = z.object({
  observedAt: z.iso.datetime({ offset: true }),
  routes: z
    .array(
      z.object({
        /** The FallbackRoute's name (the effective route's name). */
        route: z.string().min(1).max(253),
        /** The first target in the sidecar's order (a fast-burn switch applied) whose circuit is not Open. */
        activeTarget: z.string().min(1).max(253).optional(),
        targets: z
          .array(z.object({ target: z.string().min(1).max(253), state: z.enum(CIRCUIT_STATES) }))
          .max(MAX_REPORTED_TARGETS),
      }),
    )
    .max(MAX_REPORTED_ROUTES),
});

/**
 * A batch of usage from one sidecar instance. `(instance, sequence)` makes delivery idempotent:
 * the operator records a batch once and acknowledges again on a resend.
 */
export const usageBatch = z.object({
  apiVersion: z.literal('governor.agents.dev/v1alpha1'),
  kind: z.literal('UsageBatch'),
  agent: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  /** Stable for the life of a sidecar's spool (pod UID plus container restart-safe suffix). */
  instance: z.string().min(1).max(128),
  /** Starts at 1 and grows by one per batch of this instance. */
  sequence: z.int().min(1),
  sentAt: z.iso.datetime({ offset: true }),
  entries: z.array(usageEntry).max(10_000),
  /** The sidecar's circuits; absent from sidecars before circuits were reported (still accepted). */
  circuits: circuitReport.optional(),
});

export const usageAck = z.object({
  instance: z.string(),
  /** Highest sequence durably recorded for the instance; every batch up to it may be dropped. */
  acknowledgedSequence: z.int().min(0),
  duplicate: z.boolean().default(false),
});

export type UsageBatch = z.infer<typeof usageBatch>;
export type UsageEntry = z.infer<typeof usageEntry>;
export type UsageAck = z.infer<typeof usageAck>;
export type CircuitReport = z.infer<typeof circuitReport>;
export type ExperimentTally = z.infer<typeof experimentTally>;
export type CallShape = z.infer<typeof callShape>;
