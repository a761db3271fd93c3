/** Median, 99th percentile and mean of latency samples (ms), by nearest rank on a sorted copy. */
export interface LatencySummary {
  count: number;
  median: number;
  p99: number;
  mean: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, median: Number.NaN, p99: Number.NaN, mean: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const sum = sorted.reduce((total, sample) => total + sample, 0);
  return { count: sorted.length, median: rank(0.5), p99: rank(0.99), mean: sum / sorted.length };
}
