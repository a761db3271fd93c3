import { bothTotals } from './binned-counts.js';

/**
 * The two-sample Kolmogorov–Smirnov statistic of two binned distributions given as counts over the
 * same ordered bins: the largest gap between their cumulative shares, max over k of |Eₖ − Aₖ|, from 0
 * (the same) to 1 (apart). Binned, it is a lower bound of the statistic of the raw values (a gap
 * inside a bin is not seen). For categories (finish reasons) and rates the bins' order is the fixed
 * order of the signal. Undefined when either side has no count at all.
 */
export function kolmogorovSmirnov(
  baseline: readonly number[],
  current: readonly number[],
): number | undefined {
  const totals = bothTotals('KS', baseline, current);
  if (!totals) return undefined;
  let expected = 0;
  let actual = 0;
  let gap = 0;
  for (let i = 0; i < baseline.length; i++) {
    expected += baseline[i] ?? 0;
    actual += current[i] ?? 0;
    gap = Math.max(gap, Math.abs(expected / totals.expected - actual / totals.actual));
  }
  return gap;
}
