// How often a TokenBudget status is rewritten when only its usage counters moved. Usage ingest
// writes a ledger per batch, and every ledger write requeues the budgets that select its agent: a
// busy budget would otherwise write its status (and the policy compiler republish the policy of
// every agent it selects) once per batch. Counters wait up to the pace; anything else a reader acts
// on — the phase, the actions in force, the period, suspended workloads, a condition's status or
// reason, a model the budget could not price — is written at once, so a crossing still reaches
// sidecars within a second. Pure.
import { isDeepStrictEqual } from 'node:util';
import type { TokenBudgetStatus } from '../../apis/token-budget.js';

/** Least time between two status writes of one budget that only move counters. */
export const DEFAULT_COUNTERS_PACE_MS = 3_000;

/** What of a status matters beyond its counters (and the condition messages that quote them). */
function beyondCounters(status: TokenBudgetStatus | undefined): unknown {
  if (status === undefined) return undefined;
  const { used: _used, percent: _percent, agents: _agents, conditions, pricing, forecast, ...rest } = status;
  return JSON.parse(
    JSON.stringify({
      ...rest,
      // Where the forecast stands against its alert is news; its numbers move with every call and hour.
      forecast: forecast && { method: forecast.method, aboveAlert: forecast.aboveAlert },
      // Which models could not be priced, and why, is news; how many calls and tokens is a counter.
      pricing: pricing && {
        unpriced: (pricing.unpriced ?? []).map(({ model, reason, currency }) => ({
          model,
          reason,
          currency,
        })),
        highestKnownPrice: pricing.highestKnownPrice,
      },
      conditions: (conditions ?? []).map(({ type, status: state, reason, observedGeneration }) => ({
        type,
        status: state,
        reason,
        observedGeneration,
      })),
    }),
  );
}

/** True when `next` differs from `current` only in usage counters (and messages quoting them). */
export function countersOnlyChange(current: TokenBudgetStatus | undefined, next: TokenBudgetStatus): boolean {
  return current !== undefined && isDeepStrictEqual(beyondCounters(current), beyondCounters(next));
}

/**
 * How long a status write must wait, in ms (0: write now): a counters-only change waits until
 * `paceMs` after the budget's last write (`lastWriteAt`, same clock as `at`; undefined when this
 * process has not written it — a new leader writes at once).
 */
export function statusWriteWait(options: {
  current: TokenBudgetStatus | undefined;
  next: TokenBudgetStatus;
  lastWriteAt: number | undefined;
  at: number;
  paceMs: number;
}): number {
  const { current, next, lastWriteAt, at, paceMs } = options;
  if (lastWriteAt === undefined || !countersOnlyChange(current, next)) return 0;
  return Math.max(0, lastWriteAt + paceMs - at);
}
