import { LATENCY_BUCKETS_MS } from '../../apis/usage-batch.js';

export interface ObservedLatency {
  ms: number;
  /** The percentile lies in the overflow bucket: the latency is above the largest bound, `ms`. */
  overflow: boolean;
}

/**
 * The latency at `percentile` (e.g. 95) of a histogram of LATENCY_BUCKETS_MS slots (not cumulative),
 * interpolated linearly within the bucket it falls in, from its lower bound (0 for the first) to its
 * upper bound — what Prometheus' histogram_quantile does. Undefined without calls.
 */
export function latencyAtPercentile(
  slots: readonly number[],
  percentile: number,
): ObservedLatency | undefined {
  const total = slots.reduce((s, n) => s + n, 0);
  if (total === 0) return undefined;
  const rank = (percentile / 100) * total;
  let below = 0;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    const inBucket = slots[i] ?? 0;
    if (inBucket > 0 && below + inBucket >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i]!;
      return { ms: lower + (upper - lower) * ((rank - below) / inBucket), overflow: false };
    }
    below += inBucket;
  }
  return { ms: LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!, overflow: true };
}
