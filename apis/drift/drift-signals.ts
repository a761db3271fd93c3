import { addShape, emptyShape } from '../ledger/bucket-shapes.js';
import { EXPERIMENT_ERROR_OUTCOMES, FINISH_REASONS } from '../usage-batch.js';
import type { BucketShape, LedgerBuckets, OutcomeCounts } from '../usage-ledger.js';
import { LATENCY_SLOTS } from '../usage-ledger.js';
import { sum } from './binned-counts.js';
import type { DriftSignal } from './drift-spec.js';

/** The counts of a span of ledger buckets: what every drift signal is read from. */
export interface SpanCounts {
  latency: number[];
  outcomes: OutcomeCounts;
  shape: BucketShape;
}

/** A span of time, epoch ms, start inclusive, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

const ERROR_OUTCOMES: readonly (keyof OutcomeCounts)[] = EXPERIMENT_ERROR_OUTCOMES;

/**
 * The buckets of every tier of a ledger that start in `span`, added up. A bucket counts where it
 * starts: a coarse bucket that straddles the span's start is left out whole.
 */
export function spanCounts(buckets: LedgerBuckets, span: Span): SpanCounts {
  const counts: SpanCounts = {
    latency: new Array<number>(LATENCY_SLOTS).fill(0),
    outcomes: {},
    shape: emptyShape(),
  };
  for (const tier of [buckets.minutes, buckets.fiveMinutes, buckets.hours, buckets.days]) {
    for (const bucket of tier) {
      const start = Date.parse(bucket.start);
      if (!(start >= span.start && start < span.end)) continue;
      for (let i = 0; i < LATENCY_SLOTS; i++)
        counts.latency[i] = (counts.latency[i] ?? 0) + (bucket.latency[i] ?? 0);
      for (const [outcome, n] of Object.entries(bucket.outcomes) as [
        keyof OutcomeCounts,
        number | undefined,
      ][]) {
        if (n) counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + n;
      }
      if (bucket.shape) addShape(counts.shape, bucket.shape);
    }
  }
  return counts;
}

/**
 * The bins a signal compares, from the counts of a span: a histogram's slots, the finish reasons in
 * FINISH_REASONS order, or a rate as [yes, no]. Token and answer signals count the calls whose sidecar
 * reported their shape; latency and errors count every call.
 */
export function signalBins(signal: DriftSignal, counts: SpanCounts): number[] {
  const { shape } = counts;
  const shaped = sum(shape.completionTokens);
  switch (signal) {
    case 'promptTokens':
      return [...shape.promptTokens];
    case 'completionTokens':
      return [...shape.completionTokens];
    case 'latency':
      return [...counts.latency];
    case 'finishReasons':
      return FINISH_REASONS.map((reason) => shape.finishReasons[reason] ?? 0);
    case 'refusalRate':
      return rate(shape.refusals, shaped);
    case 'toolCallRate':
      return rate(shape.toolCalls, shaped);
    case 'reAskRate':
      return rate(shape.reAsks, shaped);
    case 'errorRate': {
      const calls = sum(Object.values(counts.outcomes).map((n) => n ?? 0));
      const errors = sum(ERROR_OUTCOMES.map((outcome) => counts.outcomes[outcome] ?? 0));
      return rate(errors, calls);
    }
  }
}

function rate(yes: number, of: number): number[] {
  return [yes, Math.max(of - yes, 0)];
}
