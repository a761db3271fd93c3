import { z } from 'zod';
import { count } from './amounts.js';
import { CIRCUIT_STATES } from './fallback-route.js';
import { API_VERSION } from './group-version.js';
import { objectMeta } from './resource.js';
import { RESET_PERIODS } from './token-budget.js';
import {
  CALL_OUTCOMES,
  FINISH_REASONS,
  LATENCY_BUCKETS_MS,
  MAX_REPORTED_ROUTES,
  MAX_REPORTED_TARGETS,
  TOKEN_SLOTS,
} from './usage-batch.js';

/**
 * `AgentUsageLedger`: one per agent, written only by the operator — usage ingest records batches,
 * the budget controller registers the periods it counts in. Usage lives in the API server so it
 * outlives every process, and one batch updates one object (ARCHITECTURE.md, "Where usage lives").
 * Budgets and SLOs read ledgers; a budget selecting many agents is a sum.
 * Every list is bounded, so a ledger stays far below the API server's object size limit whatever
 * the traffic (docs/adr/0004-usage-ledger.md). The data lives in `spec` and there is no status
 * subresource: the ledger is a record, like a Lease, and one PUT with a resourceVersion records a
 * batch (create included) atomically.
 */

/** Latency slots per bucket: one per LATENCY_BUCKETS_MS bound plus the overflow slot. */
export const LATENCY_SLOTS = LATENCY_BUCKETS_MS.length + 1;
/** Minute buckets cover at least the last hour (exact 5m / 30m / 1h windows). */
export const MINUTE_TIER_MS = 60 * 60_000;
/** Five-minute buckets cover at least the last 6 hours (2h and 6h windows). */
export const FIVE_MINUTE_TIER_MS = 6 * 3_600_000;
/** Hour buckets cover at least the last 3 days (1d and 3d windows). */
export const HOUR_TIER_MS = 3 * 86_400_000;
/** Day buckets (UTC days) reach this far back: the longest SLO window a ledger can answer. */
export const LEDGER_RETENTION_DAYS = 92;
/** Budget periods one ledger tracks at once (distinct reset / time zone / schedule). */
export const MAX_TRACKED_PERIODS = 8;
/** Period usage lines (model × use case × currency) kept per period; the rest fold into OTHER_LINE. */
export const MAX_PERIOD_LINES = 32;
/**
 * OTHER_LINE lines a period may hold besides: one per currency and pricing state of the usage
 * folded into them, so the fold never mixes currencies or hides an unpriced call.
 */
export const MAX_OTHER_LINES = 8;
/** Model and use case of the line that takes usage beyond MAX_PERIOD_LINES. */
export const OTHER_LINE = '(other)';
/** Sidecar instances remembered for de-duplication; the least recently seen go first. */
export const MAX_INSTANCES = 256;
/** Instances not seen for this long are forgotten. */
export const INSTANCE_RETENTION_DAYS = 7;
/** Observed targets (route × target × model) kept; the least recently seen go first. */
export const MAX_OBSERVED_TARGETS = 64;
/** A period no budget wants any more is kept this long before it is dropped. */
export const PERIOD_RETENTION_DAYS = 7;
/**
 * Hours of token usage per use case and model kept (`hourlyUsage`): enough for "today" in any time
 * zone (a local day starts at most 24 hours ago) and the day before, to compare with.
 */
export const HOURLY_USAGE_HOURS = 48;
/**
 * Use cases named in one hour of a ledger (the top ones by tokens; the others fold into use case
 * OTHER_LINE), and in one sidecar's token metrics (label use_case; the first ones seen, the others
 * "other"): one bound on the cardinality of use cases everywhere usage is shown.
 */
export const MAX_HOUR_USE_CASES = 5;
/** Lines (use case × model × currency) of one hour; the smallest fold into model OTHER_LINE. */
export const MAX_HOUR_LINES = 12;
/** Lines of one hour beyond MAX_HOUR_LINES that the fold may need (one per currency and use case). */
export const MAX_HOUR_OTHER_LINES = 4;

const instant = (description: string) => z.string().max(32).meta({ description, format: 'date-time' });

const outcomeCounts = z
  .object(
    Object.fromEntries(
      CALL_OUTCOMES.map((outcome) => [outcome, count(`Calls with outcome ${outcome}.`).optional()]),
    ) as Record<(typeof CALL_OUTCOMES)[number], z.ZodOptional<z.ZodInt>>,
  )
  .meta({ description: 'Calls by outcome; absent outcomes are 0.' });

const counters = {
  requests: count('Calls.'),
  inputTokens: count('Input (prompt) tokens.'),
  outputTokens: count('Output (completion) tokens.'),
  cachedInputTokens: count('Input tokens served from the provider prompt cache (part of inputTokens).'),
  estimatedTokens: count('Tokens counted by a tokenizer because the provider reported none.'),
  costMicros: count(
    'Cost in micro-units of the price currency (see currency on a period line; totals add every currency up).',
  ),
};

export const usageTotals = z.object(counters).meta({ description: 'Usage counters.' });

export const periodLine = z
  .object({
    model: z.string().min(1).max(256).meta({ description: 'Model called.' }),
    useCase: z.string().max(63).optional().meta({ description: 'x-governor-use-case of the calls.' }),
    currency: z
      .string()
      .max(3)
      .optional()
      .meta({ description: 'ISO 4217 currency of costMicros (the price currency); absent means USD.' }),
    unpriced: z.boolean().optional().meta({
      description:
        'The model had no price: costMicros is 0 and each budget counts the tokens by its own rule.',
    }),
    ...counters,
    outcomes: outcomeCounts,
  })
  .meta({ description: 'Usage of one model and use case in the period.' });

export const periodUsage = z
  .object({
    start: instant('Start of the period (inclusive).'),
    end: instant('End of the period (exclusive).'),
    lines: z
      .array(periodLine)
      .max(MAX_PERIOD_LINES + MAX_OTHER_LINES)
      .meta({ description: 'Usage by model, use case and currency.' }),
  })
  .meta({ description: 'Usage counted in one budget period.' });

export const trackedPeriod = z
  .object({
    reset: z.enum(RESET_PERIODS).meta({ description: 'Daily, Weekly, Monthly or Cron.' }),
    timeZone: z.string().max(64).meta({ description: 'IANA time zone of the period boundaries.' }),
    schedule: z.string().max(128).optional().meta({ description: 'Cron expression for reset Cron.' }),
    trackedSince: instant(
      'When counting started, if after the start of the current period (a budget created mid-period).',
    ).optional(),
    lastWanted: instant('When a budget last asked for this period; unwanted periods are dropped.'),
    current: periodUsage,
    previous: periodUsage.optional(),
  })
  .meta({ description: 'A budget period the ledger counts usage in, with its current and previous period.' });

const tokenHistogram = (description: string) =>
  z.array(z.int().min(0)).length(TOKEN_SLOTS).meta({ description });

export const bucketShape = z
  .object({
    promptTokens: tokenHistogram(
      'Calls per prompt-token bucket (upper bounds in TOKEN_BUCKETS, then overflow).',
    ),
    completionTokens: tokenHistogram(
      'Calls per completion-token bucket (upper bounds in TOKEN_BUCKETS, then overflow).',
    ),
    finishReasons: z
      .object(
        Object.fromEntries(
          FINISH_REASONS.map((reason) => [reason, count(`Answers that ended ${reason}.`).optional()]),
        ) as Record<(typeof FINISH_REASONS)[number], z.ZodOptional<z.ZodInt>>,
      )
      .meta({ description: 'Answers by finish reason; absent reasons are 0.' }),
    refusals: count('Answers the model refused.'),
    toolCalls: count('Answers that called a tool.'),
    reAsks: count('Calls that asked again what their conversation had just asked.'),
  })
  .meta({ description: 'The shape of the answers of one time bucket, for drift.' });

export const latencyBucket = z
  .object({
    start: instant('Start of the bucket.'),
    latency: z
      .array(z.int().min(0))
      .length(LATENCY_SLOTS)
      .meta({ description: 'Calls per latency bucket (upper bounds in LATENCY_BUCKETS_MS, then overflow).' }),
    outcomes: outcomeCounts,
    shape: bucketShape.optional(),
  })
  .meta({ description: 'Latency histogram and outcomes of the calls that started in one time bucket.' });

const bucketList = (description: string, max: number) =>
  z.array(latencyBucket).max(max).meta({ description });

export const ledgerBuckets = z
  .object({
    minutes: bucketList('One-minute buckets of the last hour or so.', 80),
    fiveMinutes: bucketList('Five-minute buckets of the last 6 hours or so.', 96),
    hours: bucketList('Hour buckets of the last 3 days or so.', 120),
    days: bucketList(`UTC day buckets of the last ${LEDGER_RETENTION_DAYS} days.`, LEDGER_RETENTION_DAYS + 8),
  })
  .meta({
    description: 'Latency and outcome buckets, finer for recent time; older buckets merge into coarser ones.',
  });

export const instanceSequence = z
  .object({
    id: z.string().min(1).max(128).meta({ description: 'Sidecar instance id.' }),
    sequence: z.int().min(0).meta({ description: 'Highest batch sequence recorded for the instance.' }),
    lastSeen: instant('When the instance last delivered a batch.'),
  })
  .meta({ description: 'The last batch recorded from one sidecar instance.' });

export const observedTarget = z
  .object({
    route: z.string().max(253).optional().meta({ description: 'FallbackRoute that answered.' }),
    target: z.string().min(1).max(253).meta({ description: 'Route target that answered.' }),
    model: z.string().min(1).max(256).meta({ description: 'Model called.' }),
    requests: count('Calls answered by the target.'),
    inputTokens: count('Input tokens sent to the target.'),
    outputTokens: count('Output tokens received from the target.'),
    firstSeen: instant('Minute of the first call recorded.'),
    lastSeen: instant('Minute of the last call recorded.'),
  })
  .meta({ description: 'A target the sidecars saw answer, per model.' });

export const hourLine = z
  .object({
    useCase: z
      .string()
      .max(63)
      .optional()
      .meta({ description: 'x-governor-use-case of the calls; absent for calls without one.' }),
    model: z.string().min(1).max(256).meta({ description: 'Model called.' }),
    currency: z
      .string()
      .max(3)
      .optional()
      .meta({ description: 'ISO 4217 currency of costMicros (the price currency); absent means USD.' }),
    unpriced: z.boolean().optional().meta({ description: 'The model had no price: costMicros is 0.' }),
    requests: count('Calls.'),
    inputTokens: count('Input (prompt) tokens.'),
    outputTokens: count('Output (completion) tokens.'),
    costMicros: count('Cost in micro-units of the currency.'),
  })
  .meta({ description: 'Usage of one use case and model in one hour.' });

export const hourUsage = z
  .object({
    start: instant('Start of the hour (UTC, on the hour).'),
    lines: z
      .array(hourLine)
      .max(MAX_HOUR_LINES + MAX_HOUR_OTHER_LINES)
      .meta({ description: 'Usage by use case, model and currency.' }),
  })
  .meta({ description: 'Token usage of one hour.' });
/** Sidecar instances whose circuit reports a ledger keeps (the freshest). */
export const MAX_CIRCUIT_REPORTS = 32;
/** A circuit report older than this no longer counts, and is dropped at the next write. */
export const CIRCUIT_REPORT_TTL_MS = 60_000;

export const circuitReportEntry = z
  .object({
    instance: z.string().min(1).max(128).meta({ description: 'Sidecar instance id.' }),
    observedAt: instant('When the sidecar read its circuits (never later than when it was recorded).'),
    routes: z
      .array(
        z
          .object({
            route: z.string().max(253).meta({ description: 'FallbackRoute name.' }),
            activeTarget: z
              .string()
              .max(253)
              .optional()
              .meta({ description: "The target the sidecar's calls go to first now." }),
            targets: z
              .array(
                z
                  .object({
                    target: z.string().max(253).meta({ description: 'Route target.' }),
                    state: z.enum(CIRCUIT_STATES).meta({ description: 'Closed, Open or HalfOpen.' }),
                  })
                  .meta({ description: 'The circuit of one target.' }),
              )
              .max(MAX_REPORTED_TARGETS)
              .meta({ description: 'Circuit of each target the sidecar has called.' }),
          })
          .meta({ description: 'The circuits of one route.' }),
      )
      .max(MAX_REPORTED_ROUTES)
      .meta({ description: 'Circuits per route.' }),
  })
  .meta({ description: 'The circuits one sidecar instance reported last.' });

/** Experiment lines (route × experiment × variant) a ledger keeps; the least recently seen go first. */
export const MAX_EXPERIMENT_LINES = 32;
/** An experiment line without a call for this long is dropped at the next write. */
export const EXPERIMENT_LINE_RETENTION_DAYS = 30;

const squareSum = (description: string) => z.number().min(0).meta({ description, format: 'double' });

export const experimentLine = z
  .object({
    route: z.string().min(1).max(253).meta({ description: 'FallbackRoute that declares the experiment.' }),
    experiment: z.string().min(1).max(63).meta({ description: 'Experiment name.' }),
    variant: z.string().min(1).max(63).meta({ description: 'Variant name.' }),
    calls: count('Calls assigned to the variant (refused calls left out).'),
    errors: count('Calls that ended ServerError, Timeout, StaticFallback or ClientError.'),
    inputTokens: count('Input tokens.'),
    outputTokens: count('Output tokens.'),
    tokensSquares: squareSum('Sum over calls of (input + output tokens)².'),
    costMicros: count('Cost in micro-units of the price currency.'),
    costMicrosSquares: squareSum('Sum over calls of costMicros².'),
    latencyMs: squareSum('Sum of call latencies in milliseconds.'),
    latencyMsSquares: squareSum('Sum over calls of latency² (ms²).'),
    lastSeen: instant('Minute of the last call recorded.'),
  })
  .meta({ description: 'Usage of one experiment variant of one route since its first call.' });

export const usageLedgerSpec = z
  .object({
    agent: z
      .string()
      .min(1)
      .max(63)
      .meta({ description: 'Agent name (value of the governor.agents.dev/agent label).' }),
    updatedAt: instant('When the last batch was recorded.').optional(),
    totals: usageTotals.meta({ description: 'Usage since the ledger was created.' }),
    periods: z
      .array(trackedPeriod)
      .max(MAX_TRACKED_PERIODS)
      .meta({ description: 'Budget periods usage is counted in.' }),
    buckets: ledgerBuckets,
    instances: z
      .array(instanceSequence)
      .max(MAX_INSTANCES)
      .meta({ description: 'Last sequence per sidecar instance: a batch at or below it is a duplicate.' }),
    observedTargets: z.array(observedTarget).max(MAX_OBSERVED_TARGETS).optional().meta({
      description:
        'Targets that actually answered, per route and model, with volume and when last seen (the dataflow map reads them).',
    }),
    hourlyUsage: z
      .array(hourUsage)
      .max(HOURLY_USAGE_HOURS + 1)
      .optional()
      .meta({
        description: `Tokens and cost per hour, use case and model over the last ${HOURLY_USAGE_HOURS} hours (the cockpit reads them); at most ${MAX_HOUR_USE_CASES} use cases per hour, the others as (other).`,
      }),
    circuitReports: z.array(circuitReportEntry).max(MAX_CIRCUIT_REPORTS).optional().meta({
      description:
        'The last circuit report of each sidecar instance, for at most a minute (the FallbackRoute status aggregates them).',
    }),
    experimentLines: z
      .array(experimentLine)
      .max(MAX_EXPERIMENT_LINES)
      .optional()
      .meta({
        description: `Per experiment variant of each route: calls, errors, tokens, cost and latency sums (at most ${MAX_EXPERIMENT_LINES} lines; the FallbackRoute status sums them).`,
      }),
  })
  .meta({ description: 'Usage of one agent, written by the operator from sidecar usage batches.' });

/** The full object: no status, see above. */
export const agentUsageLedger = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('AgentUsageLedger'),
  metadata: objectMeta,
  spec: usageLedgerSpec,
});

export type AgentUsageLedger = z.infer<typeof agentUsageLedger>;
export type UsageLedgerSpec = z.infer<typeof usageLedgerSpec>;
export type TrackedPeriod = z.infer<typeof trackedPeriod>;
export type PeriodUsage = z.infer<typeof periodUsage>;
export type PeriodLine = z.infer<typeof periodLine>;
export type LatencyBucket = z.infer<typeof latencyBucket>;
export type BucketShape = z.infer<typeof bucketShape>;
export type LedgerBuckets = z.infer<typeof ledgerBuckets>;
export type CircuitReportEntry = z.infer<typeof circuitReportEntry>;
export type UsageTotals = z.infer<typeof usageTotals>;
export type ObservedTarget = z.infer<typeof observedTarget>;
export type HourUsage = z.infer<typeof hourUsage>;
export type HourLine = z.infer<typeof hourLine>;
export type OutcomeCounts = z.infer<typeof outcomeCounts>;
export type ExperimentLine = z.infer<typeof experimentLine>;
