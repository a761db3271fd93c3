import { type BudgetPeriodSpec, currentPeriod } from '../budget-period.js';
import type { UsageEntry } from '../usage-batch.js';
import {
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

function lineKey(model: string, useCase: string | undefined): string {
  return `${model}\u0000${useCase ?? ''}`;
}

/** Adds one usage entry into a period's lines (mutates `period`); past MAX_PERIOD_LINES into OTHER_LINE. */
export function addToPeriod(period: PeriodUsage, entry: UsageEntry): void {
  const key = lineKey(entry.model, entry.useCase);
  let line = period.lines.find((l) => lineKey(l.model, l.useCase) === key);
  if (!line) {
    const userLines = period.lines.filter((l) => !(l.model === OTHER_LINE && l.useCase === OTHER_LINE));
    if (userLines.length < MAX_PERIOD_LINES) {
      line = emptyLine(entry.model, entry.useCase);
      period.lines.push(line);
    } else {
      line = period.lines.find((l) => l.model === OTHER_LINE && l.useCase === OTHER_LINE);
      if (!line) {
        line = emptyLine(OTHER_LINE, OTHER_LINE);
        period.lines.push(line);
      }
    }
  }
  addLineCounts(line, entry);
}

/** Adds the counters of `add` (a usage entry or another line) into `line` (mutates it). */
export function addLineCounts(line: PeriodLine, add: Omit<PeriodLine, 'model' | 'useCase'>): void {
  line.requests += add.requests;
  line.inputTokens += add.inputTokens;
  line.outputTokens += add.outputTokens;
  line.cachedInputTokens += add.cachedInputTokens;
  line.estimatedTokens += add.estimatedTokens;
  line.costMicros += add.costMicros;
  addOutcomes(line.outcomes, add.outcomes);
}

export function emptyLine(model: string, useCase: string | undefined): PeriodLine {
  return {
    model,
    ...(useCase !== undefined ? { useCase } : {}),
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    estimatedTokens: 0,
    costMicros: 0,
    outcomes: {},
  };
}
