/**
 * The value at `percentile` (0–100) of latency samples by nearest rank: the smallest sample with at
 * least that share of the samples at or below it. 0 without samples. Pure.
 */
export function nearestRank(samples: readonly number[], percentile: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}
