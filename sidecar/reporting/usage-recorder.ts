import {
  type CallShape,
  EXPERIMENT_ERROR_OUTCOMES,
  type ExperimentTally,
  LATENCY_BUCKETS_MS,
  TOKEN_BUCKETS,
  TOKEN_SLOTS,
  type UsageEntry,
} from '../../apis/usage-batch.js';
import type { RequestRecord } from '../telemetry/request-record.js';

const MINUTE_MS = 60_000;

/**
 * Adds finished requests into per-minute usage entries, one per (minute, model, route, target, use
 * case, currency of the cost — or unpriced), with outcome counts and the fixed latency buckets of the
 * usage report. A request lands in the minute it arrived in, so a late batch still counts in the
 * right budget period. `drain` hands over everything recorded since the last drain; memory is
 * bounded by the minutes between drains.
 */
export class UsageRecorder {
  /** `beforeDrain`: called first by `drain`, to hand over records still held elsewhere. */
  constructor(private readonly beforeDrain?: () => void) {}

  private entries = new Map<string, UsageEntry>();
  /** The minute of the last call, as number and ISO text: calls come in order, so it is mostly the same. */
  private lastMinute = Number.NaN;
  private lastMinuteText = '';

  record(record: RequestRecord): void {
    const start = Math.floor(record.startedAt / MINUTE_MS) * MINUTE_MS;
    if (start !== this.lastMinute) {
      this.lastMinute = start;
      this.lastMinuteText = new Date(start).toISOString();
    }
    const minute = this.lastMinuteText;
    // Priced and unpriced calls, and costs in different currencies, never share an entry.
    const currency = record.unpriced ? '-' : (record.currency ?? 'USD');
    const { experiment } = record;
    const variant = experiment === undefined ? '' : `\u0000${experiment.name}\u0000${experiment.variant}`;
    const key = `${minute}\u0000${record.model}\u0000${record.route ?? ''}\u0000${record.target ?? ''}\u0000${record.useCase ?? ''}\u0000${currency}${variant}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        minute,
        model: record.model,
        ...(record.route === undefined ? {} : { route: record.route }),
        ...(record.target === undefined ? {} : { target: record.target }),
        ...(record.useCase === undefined ? {} : { useCase: record.useCase }),
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        cachedInputTokens: 0,
        estimatedTokens: 0,
        costMicros: 0,
        ...(record.currency !== undefined && record.currency !== 'USD' && !record.unpriced
          ? { currency: record.currency }
          : {}),
        ...(record.unpriced ? { unpriced: true } : {}),
        outcomes: {},
        latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
        ...(experiment === undefined
          ? {}
          : {
              experiment: {
                name: experiment.name,
                variant: experiment.variant,
                calls: 0,
                errors: 0,
                tokensSquares: 0,
                costMicrosSquares: 0,
                latencyMs: 0,
                latencyMsSquares: 0,
              },
            }),
      };
      this.entries.set(key, entry);
    }
    const { usage } = record;
    entry.requests += 1;
    entry.inputTokens += usage.inputTokens;
    entry.outputTokens += usage.outputTokens;
    entry.cachedInputTokens += usage.cachedInputTokens;
    if (usage.estimated) entry.estimatedTokens += usage.inputTokens + usage.outputTokens;
    entry.costMicros += Math.round(record.costMicros);
    entry.outcomes[record.outcome] = (entry.outcomes[record.outcome] ?? 0) + 1;
    const bucket = latencyBucket(record.timings.totalMs);
    entry.latencyBuckets[bucket] = (entry.latencyBuckets[bucket] ?? 0) + 1;
    if (entry.experiment) tally(entry.experiment, record);
    if (ANSWERED.has(record.outcome)) shapeOf(entry, record);
  }

  /** Everything recorded since the last drain, oldest minute first; the recorder starts empty again. */
  drain(): UsageEntry[] {
    this.beforeDrain?.();
    const drained = [...this.entries.values()];
    this.entries = new Map();
    return drained.sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0));
  }

  /** Entries waiting for the next drain. */
  get size(): number {
    return this.entries.size;
  }
}

const ERRORS: ReadonlySet<string> = new Set(EXPERIMENT_ERROR_OUTCOMES);
/** Calls a model answered: only they have a shape (a refused or failed call has no answer to compare). */
const ANSWERED: ReadonlySet<string> = new Set(['Success', 'CacheHit']);

/** Adds an answered call to its entry's shape, for drift (docs/adr/0056-drift-against-a-baseline.md). */
function shapeOf(entry: UsageEntry, record: RequestRecord): void {
  let shape: CallShape | undefined = entry.shape;
  if (!shape) {
    shape = {
      promptTokens: new Array<number>(TOKEN_SLOTS).fill(0),
      completionTokens: new Array<number>(TOKEN_SLOTS).fill(0),
      finishReasons: {},
      refusals: 0,
      toolCalls: 0,
      reAsks: 0,
    };
    entry.shape = shape;
  }
  const prompt = tokenBucket(record.usage.inputTokens);
  const completion = tokenBucket(record.usage.outputTokens);
  shape.promptTokens[prompt] = (shape.promptTokens[prompt] ?? 0) + 1;
  shape.completionTokens[completion] = (shape.completionTokens[completion] ?? 0) + 1;
  const { answer } = record;
  if (answer?.finishReason)
    shape.finishReasons[answer.finishReason] = (shape.finishReasons[answer.finishReason] ?? 0) + 1;
  if (answer?.refusal) shape.refusals += 1;
  if (answer?.toolCall) shape.toolCalls += 1;
  if (record.reAsk) shape.reAsks += 1;
}

/** Index of the first token bound the count is at or under; the last index is the overflow bucket. */
export function tokenBucket(tokens: number): number {
  for (let i = 0; i < TOKEN_BUCKETS.length; i++) {
    if (tokens <= TOKEN_BUCKETS[i]!) return i;
  }
  return TOKEN_BUCKETS.length;
}

/**
 * Adds a call to its variant's tally: a call the budget or residency refused never reached the
 * variant's model, so only its outcome counts (in the entry), not a call of the variant.
 */
function tally(experiment: ExperimentTally, record: RequestRecord): void {
  if (record.outcome === 'Rejected') return;
  const tokens = record.usage.inputTokens + record.usage.outputTokens;
  const cost = Math.round(record.costMicros);
  const latency = record.timings.totalMs;
  experiment.calls += 1;
  if (ERRORS.has(record.outcome)) experiment.errors += 1;
  experiment.tokensSquares += tokens * tokens;
  experiment.costMicrosSquares += cost * cost;
  experiment.latencyMs += latency;
  experiment.latencyMsSquares += latency * latency;
}

/** Index of the first bound the latency is at or under; the last index is the overflow bucket. */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  }
  return LATENCY_BUCKETS_MS.length;
}
