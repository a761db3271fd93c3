import { bothTotals } from './binned-counts.js';

/**
 * The population stability index of two binned distributions given as counts over the same bins:
 * Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), with eᵢ the baseline's share of bin i and aᵢ the current window's. An
 * empty bin would make it infinite, so a share is never taken below EMPTY_BIN_SHARE (the usual
 * convention). Read as: under 0.1 stable, 0.1–0.25 a moderate shift, over 0.25 a major one.
 * Undefined when either side has no count at all.
 */
export const EMPTY_BIN_SHARE = 1e-4;

export function populationStabilityIndex(
  baseline: readonly number[],
  current: readonly number[],
): number | undefined {
  const totals = bothTotals('PSI', baseline, current);
  if (!totals) return undefined;
  let index = 0;
  for (let i = 0; i < baseline.length; i++) {
    const e = Math.max((baseline[i] ?? 0) / totals.expected, EMPTY_BIN_SHARE);
    const a = Math.max((current[i] ?? 0) / totals.actual, EMPTY_BIN_SHARE);
    index += (a - e) * Math.log(a / e);
  }
  return index;
}
