import { type BudgetPeriodSpec, currentPeriod } from '../budget-period.js';
import type { UsageEntry } from '../usage-batch.js';
import {
  MAX_OTHER_LINES,
  MAX_PERIOD_LINES,
  MAX_TRACKED_PERIODS,
  OTHER_LINE,
  PERIOD_RETENTION_DAYS,
  type PeriodLine,
  type PeriodUsage,
  type TrackedPeriod,
  type UsageLedgerSpec,
} from '../usage-ledger.js';
import { addOutcomes } from './bucket-tiers.js';

const DAY = 86_400_000;

/** Identity of a budget period: budgets with the same reset, time zone and schedule share counters. */
export function periodKey(period: BudgetPeriodSpec): string {
  return `${period.reset}|${period.timeZone}|${period.schedule ?? ''}`;
}

function specOf(tracked: TrackedPeriod): BudgetPeriodSpec {
  return {
    reset: tracked.reset,
    timeZone: tracked.timeZone,
    ...(tracked.schedule !== undefined ? { schedule: tracked.schedule } : {}),
  };
}

function emptyPeriod(bounds: { start: Date; end: Date }): PeriodUsage {
  return { start: bounds.start.toISOString(), end: bounds.end.toISOString(), lines: [] };
}

/**
 * Makes the ledger count usage in every period of `wanted` (the periods of the budgets selecting the
 * agent). A period tracked for the first time counts from `now` (`trackedSince`); usage earlier in
 * that period is not in the ledger's period counters. Periods no budget wanted for
 * PERIOD_RETENTION_DAYS are dropped; at most MAX_TRACKED_PERIODS are kept (most recently wanted
 * first). A period whose bounds cannot be computed (an unknown time zone) is skipped: the budget
 * controller reports it.
 */
export function trackPeriods(
  ledger: UsageLedgerSpec,
  wanted: readonly BudgetPeriodSpec[],
  now: Date,
): UsageLedgerSpec {
  const byKey = new Map(ledger.periods.map((p) => [periodKey(specOf(p)), p]));
  const at = now.toISOString();
  for (const period of wanted) {
    const key = periodKey(period);
    const known = byKey.get(key);
    if (known) {
      byKey.set(key, { ...known, lastWanted: at });
      continue;
    }
    let bounds: { start: Date; end: Date };
    try {
      bounds = currentPeriod(period, now);
    } catch {
      continue;
    }
    byKey.set(key, {
      ...period,
      ...(now.getTime() > bounds.start.getTime() ? { trackedSince: at } : {}),
      lastWanted: at,
      current: emptyPeriod(bounds),
    });
  }
  const keep = [...byKey.values()]
    .filter((p) => now.getTime() - Date.parse(p.lastWanted) <= PERIOD_RETENTION_DAYS * DAY)
    .sort((a, b) => Date.parse(b.lastWanted) - Date.parse(a.lastWanted))
    .slice(0, MAX_TRACKED_PERIODS)
    .map((p) => rollPeriod(p, now));
  return { ...ledger, periods: keep };
}

/** How often a budget needs to say it still wants a period (well inside PERIOD_RETENTION_DAYS). */
const REFRESH_MS = DAY;

/**
 * Whether a budget with `period` should call `trackPeriods` on this ledger now: the period is not
 * tracked yet, or was last wanted more than a day ago. Lets the budget reconciler write a ledger
 * only when it must (once per budget and agent a day), not on every reconcile.
 */
export function periodTrackingDue(ledger: UsageLedgerSpec, period: BudgetPeriodSpec, now: Date): boolean {
  const key = periodKey(period);
  const found = ledger.periods.find((p) => periodKey(specOf(p)) === key);
  return !found || now.getTime() - Date.parse(found.lastWanted) > REFRESH_MS;
}

/**
 * The tracked period as of `now`: when the current period has ended, it becomes the previous one
 * (so late usage still lands in it) and a new, empty current period starts. If whole periods went
 * by without usage, the previous period is the empty one just before the new current.
 */
export function rollPeriod(tracked: TrackedPeriod, now: Date): TrackedPeriod {
  if (now.getTime() < Date.parse(tracked.current.end)) return tracked;
  let next: { start: Date; end: Date };
  let before: { start: Date; end: Date };
  try {
    next = currentPeriod(specOf(tracked), now);
    before = currentPeriod(specOf(tracked), new Date(next.start.getTime() - 1));
  } catch {
    return tracked;
  }
  const previous =
    Date.parse(tracked.current.start) === before.start.getTime() ? tracked.current : emptyPeriod(before);
  const { trackedSince: _dropped, ...rest } = tracked;
  return { ...rest, current: emptyPeriod(next), previous };
}

/** What a period line is keyed by: model, use case, the currency of its cost and whether it is priced. */
export interface LineIdentity {
  model: string;
  useCase?: string | undefined;
  currency?: string | undefined;
  unpriced?: boolean | undefined;
}

/** The key of a line; a line without a currency is USD (what every cost was before currencies). */
export function lineKey(line: LineIdentity): string {
  return `${line.model}\u0000${line.useCase ?? ''}\u0000${line.unpriced ? '' : (line.currency ?? 'USD')}`;
}

/**
 * Adds one usage entry into a period's lines (mutates `period`). Past MAX_PERIOD_LINES, usage folds
 * into OTHER_LINE lines — one per currency and pricing state, so a fold never adds two currencies up
 * or hides an unpriced call; past MAX_OTHER_LINES of those, into the unpriced OTHER_LINE (each budget
 * then counts it by its rule rather than in a wrong currency).
 */
export function addToPeriod(period: PeriodUsage, entry: UsageEntry): void {
  const key = lineKey(entry);
  let line = period.lines.find((l) => lineKey(l) === key);
  if (!line) {
    const others = period.lines.filter((l) => l.model === OTHER_LINE && l.useCase === OTHER_LINE);
    if (period.lines.length - others.length < MAX_PERIOD_LINES) {
      line = emptyLine(entry);
      period.lines.push(line);
    } else {
      const folded = {
        model: OTHER_LINE,
        useCase: OTHER_LINE,
        currency: entry.currency,
        unpriced: entry.unpriced,
      };
      const fits = others.length < MAX_OTHER_LINES;
      const identity = fits ? folded : { model: OTHER_LINE, useCase: OTHER_LINE, unpriced: true };
      const otherKey = lineKey(identity);
      line = others.find((l) => lineKey(l) === otherKey);
      if (!line) {
        line = emptyLine(identity);
        period.lines.push(line);
      }
      if (!fits && !entry.unpriced) {
        addLineCounts(line, { ...entry, costMicros: 0 });
        return;
      }
    }
  }
  addLineCounts(line, entry);
}

/** Adds the counters of `add` (a usage entry or another line) into `line` (mutates it). */
export function addLineCounts(
  line: PeriodLine,
  add: Omit<PeriodLine, 'model' | 'useCase' | 'currency' | 'unpriced'>,
): void {
  line.requests += add.requests;
  line.inputTokens += add.inputTokens;
  line.outputTokens += add.outputTokens;
  line.cachedInputTokens += add.cachedInputTokens;
  line.estimatedTokens += add.estimatedTokens;
  line.costMicros += add.costMicros;
  addOutcomes(line.outcomes, add.outcomes);
}

/** An empty line of `identity`; USD is left implicit, as a line without a currency reads. */
export function emptyLine(identity: LineIdentity): PeriodLine {
  return {
    model: identity.model,
    ...(identity.useCase !== undefined ? { useCase: identity.useCase } : {}),
    ...(identity.unpriced
      ? { unpriced: true }
      : identity.currency !== undefined && identity.currency !== 'USD'
        ? { currency: identity.currency }
        : {}),
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    estimatedTokens: 0,
    costMicros: 0,
    outcomes: {},
  };
}
