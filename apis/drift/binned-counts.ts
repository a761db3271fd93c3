/** Sum of a list of counts. */
export function sum(counts: readonly number[]): number {
  let total = 0;
  for (const n of counts) total += n;
  return total;
}

/**
 * The totals of two binned distributions a statistic compares, or undefined when a side has no
 * count at all. Throws when the bins do not line up: the caller built them from different bounds.
 */
export function bothTotals(
  statistic: string,
  baseline: readonly number[],
  current: readonly number[],
): { expected: number; actual: number } | undefined {
  if (baseline.length !== current.length) {
    throw new Error(`${statistic}: ${baseline.length} baseline bins against ${current.length} current bins`);
  }
  const expected = sum(baseline);
  const actual = sum(current);
  return expected > 0 && actual > 0 ? { expected, actual } : undefined;
}
