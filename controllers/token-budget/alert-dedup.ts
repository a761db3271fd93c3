import { GROUP } from '../../apis/group-version.js';
import type { CrossedThreshold } from './budget-phase.js';

/**
 * Thresholds already alerted in the current period, kept on the TokenBudget as
 * `<periodStart>=<percent>,<percent>` (e.g. `2025-03-11T23:00:00.000Z=50,75`). An annotation, not
 * status: it must survive a status rewrite, and it changes nothing a person declared.
 */
export const ALERTS_SENT_ANNOTATION = `${GROUP}/alerts-sent`;

/**
 * The de-duplication key of one alert: one per budget, threshold and period. Sent as
 * `X-Governor-Alert-Id` and `id` in the payload, so a receiver can drop a repeat delivery too.
 */
export function alertKey(budget: { namespace: string; name: string }, threshold: number, periodStart: Date) {
  return `${budget.namespace}/${budget.name}/${periodStart.toISOString()}/${threshold}`;
}

/** Thresholds recorded as alerted for the period starting at `periodStart`; none for another period. */
export function alertedThresholds(annotation: string | undefined, periodStart: Date): Set<number> {
  if (!annotation) return new Set();
  const at = annotation.lastIndexOf('=');
  if (at === -1 || annotation.slice(0, at) !== periodStart.toISOString()) return new Set();
  const percents = annotation
    .slice(at + 1)
    .split(',')
    .filter((p) => /^[0-9]{1,3}$/.test(p))
    .map(Number);
  return new Set(percents);
}

/**
 * Thresholds to alert now: reached, with the Alert action, and not yet alerted this period (each
 * threshold alerts once per period, however often usage crosses it: after a raised limit, for one).
 */
export function alertsDue(crossed: readonly CrossedThreshold[], alerted: ReadonlySet<number>): number[] {
  return crossed.filter((t) => t.actions.includes('Alert') && !alerted.has(t.percent)).map((t) => t.percent);
}

/** The annotation value after alerting `delivered` in the period starting at `periodStart`. */
export function recordAlerts(alerted: ReadonlySet<number>, delivered: readonly number[], periodStart: Date) {
  const all = [...new Set([...alerted, ...delivered])].sort((a, b) => a - b);
  return `${periodStart.toISOString()}=${all.join(',')}`;
}
