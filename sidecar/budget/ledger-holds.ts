import type { TokenUsage } from '../accounting/token-usage.js';
import type { BudgetLedger } from './budget-ledger.js';
import type { Reservation } from './gate-verdict.js';
import { sliceRoom } from './lease-slice.js';

/** One budget's part of an admitted call: its ledger and the worst-case cost held there. */
export interface LedgerHold {
  ledger: BudgetLedger;
  costMicros: number;
}

/**
 * Holds an admitted call's worst case — `tokens`, and each budget's `costMicros` — in the ledgers,
 * raising each one's largest call. Returns the last budget whose slice (a lease, ADR 0062) the hold
 * took below its low-water mark, for the next slice to be asked for now.
 */
export function holdInLedgers(holds: readonly LedgerHold[], tokens: number): string | undefined {
  let sliceLow: string | undefined;
  for (const { ledger, costMicros } of holds) {
    if (tokens > ledger.largestCall) ledger.largestCall = tokens;
    ledger.reserved.tokens += tokens;
    const lease = ledger.lease;
    if (
      lease &&
      !lease.failing &&
      sliceRoom(lease, ledger.settled, ledger.reserved.tokens) < lease.lowWater
    ) {
      sliceLow = ledger.budget.name;
    }
    ledger.reserved.costMicros += costMicros;
  }
  return sliceLow;
}

/** The reservation of a call held with `holds`: what `releaseFromLedgers` takes back out. */
export function reservationOf(
  id: number,
  traceId: string,
  model: string,
  tokens: number,
  holds: readonly LedgerHold[],
): Reservation {
  const byBudget: { budget: string; epoch: number; costMicros: number }[] = [];
  for (const { ledger, costMicros } of holds) {
    byBudget.push({ budget: ledger.budget.name, epoch: ledger.epoch, costMicros });
  }
  return { id, traceId, model, tokens, holds: byBudget };
}

/**
 * Takes a reservation back out of the ledgers it was held in (those still there, rolled to `now`),
 * and with `actual` counts what the call used instead, priced in each budget's currency. A call
 * admitted in a past period counts there (the operator places it by its start time): not here.
 */
export function releaseFromLedgers(
  ledgers: ReadonlyMap<string, BudgetLedger>,
  reservation: Reservation,
  actual: { usage: TokenUsage; model: string } | undefined,
  now: number,
): void {
  for (const hold of reservation.holds) {
    const ledger = ledgers.get(hold.budget);
    if (!ledger) continue;
    ledger.roll(now);
    if (ledger.epoch !== hold.epoch) continue;
    ledger.reserved.tokens = Math.max(0, ledger.reserved.tokens - reservation.tokens);
    ledger.reserved.costMicros = Math.max(0, ledger.reserved.costMicros - hold.costMicros);
    if (actual)
      countUsage(ledger, actual.usage, ledger.pricing?.callCost(actual.model, actual.usage).costMicros ?? 0);
  }
}

/** Adds usage settled by this sidecar to a ledger: its tokens and `costMicros` in the budget's currency. */
export function countUsage(ledger: BudgetLedger, usage: TokenUsage, costMicros: number): void {
  ledger.local.tokens += usage.inputTokens + usage.outputTokens;
  ledger.settled += usage.inputTokens + usage.outputTokens;
  ledger.local.costMicros += costMicros;
}
