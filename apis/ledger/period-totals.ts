import type { BudgetPeriodSpec } from '../budget-period.js';
import type { PeriodLine, PeriodUsage, UsageLedgerSpec } from '../usage-ledger.js';
import { periodKey, rollPeriod } from './tracked-periods.js';

/** Usage of one agent (or a sum of agents) in the budget period containing `now`. */
export interface PeriodTotals {
  start: Date;
  end: Date;
  /** Set when the ledger started counting after the period began: usage before it is not included. */
  trackedSince?: Date;
  /** Input plus output tokens (a budget's `limits.tokens` counts these). */
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  estimatedTokens: number;
  /** Cost as recorded, every line's currency added up: a budget prices `periodLines` instead. */
  costMicros: number;
  requests: number;
}

/** The lines a ledger counted in the period containing `now`, for a reader that prices each line. */
export interface PeriodLines {
  start: Date;
  end: Date;
  /** Set when the ledger started counting after the period began: usage before it is not included. */
  trackedSince?: Date;
  lines: PeriodLine[];
}

/**
 * The lines of the period of `period` that contains `now`, limited to `useCases` as `periodTotals`
 * is; undefined when the ledger does not track the period.
 */
export function periodLines(
  ledger: UsageLedgerSpec,
  period: BudgetPeriodSpec,
  now: Date,
  useCases?: readonly string[],
): PeriodLines | undefined {
  const key = periodKey(period);
  const found = ledger.periods.find(
    (p) => periodKey({ reset: p.reset, timeZone: p.timeZone, schedule: p.schedule }) === key,
  );
  if (!found) return undefined;
  const tracked = rollPeriod(found, now);
  const filter = useCases && useCases.length > 0 ? new Set(useCases) : undefined;
  return {
    start: new Date(tracked.current.start),
    end: new Date(tracked.current.end),
    ...(tracked.trackedSince !== undefined ? { trackedSince: new Date(tracked.trackedSince) } : {}),
    lines: tracked.current.lines.filter(
      (line) => !filter || (line.useCase !== undefined && filter.has(line.useCase)),
    ),
  };
}

/**
 * What the ledger counted in the period of `period` that contains `now`, limited to `useCases` when
 * given (a budget's `spec.useCases`; lines without a use case then do not count). Undefined when the
 * ledger does not track the period (no batch arrived since a budget with that period selected the
 * agent): the usage is then 0 as far as the ledger knows.
 */
export function periodTotals(
  ledger: UsageLedgerSpec,
  period: BudgetPeriodSpec,
  now: Date,
  useCases?: readonly string[],
): PeriodTotals | undefined {
  const key = periodKey(period);
  const found = ledger.periods.find(
    (p) => periodKey({ reset: p.reset, timeZone: p.timeZone, schedule: p.schedule }) === key,
  );
  if (!found) return undefined;
  const tracked = rollPeriod(found, now);
  const totals = sumLines(tracked.current, useCases);
  return {
    start: new Date(tracked.current.start),
    end: new Date(tracked.current.end),
    ...(tracked.trackedSince !== undefined ? { trackedSince: new Date(tracked.trackedSince) } : {}),
    ...totals,
  };
}

function sumLines(period: PeriodUsage, useCases?: readonly string[]) {
  const filter = useCases && useCases.length > 0 ? new Set(useCases) : undefined;
  const sum = {
    tokens: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    estimatedTokens: 0,
    costMicros: 0,
    requests: 0,
  };
  for (const line of period.lines) {
    if (filter && (line.useCase === undefined || !filter.has(line.useCase))) continue;
    sum.tokens += line.inputTokens + line.outputTokens;
    sum.inputTokens += line.inputTokens;
    sum.outputTokens += line.outputTokens;
    sum.cachedInputTokens += line.cachedInputTokens;
    sum.estimatedTokens += line.estimatedTokens;
    sum.costMicros += line.costMicros;
    sum.requests += line.requests;
  }
  return sum;
}
