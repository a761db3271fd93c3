import type { BudgetLedger } from './budget-ledger.js';
import type { BudgetSnapshot } from './gate-verdict.js';
import { budgetPhase } from './local-phase.js';

/**
 * What one budget looks like now, as `BudgetGate.snapshot()` reports it (metrics, the budget
 * headers, tests): its phase and actions for the agent, used and reserved tokens and cost, its
 * limits and the tokens left, and when its period resets. `ledger` is rolled to now by the caller.
 */
export function budgetSnapshot(ledger: BudgetLedger, critical: boolean): BudgetSnapshot {
  const b = ledger.budget;
  const used = ledger.used();
  const state = budgetPhase(b, used, { operatorCurrent: ledger.operatorCurrent, critical });
  const snap: BudgetSnapshot = {
    name: b.name,
    phase: state.phase,
    actions: state.actions,
    usedTokens: used.tokens,
    reservedTokens: ledger.reserved.tokens,
    usedCostMicros: used.costMicros,
    reservedCostMicros: ledger.reserved.costMicros,
    resetsAt: new Date(ledger.end).toISOString(),
  };
  if (b.limitTokens !== undefined) {
    snap.limitTokens = b.limitTokens;
    snap.remainingTokens = Math.max(0, b.limitTokens - used.tokens);
  }
  if (b.limitCostMicros !== undefined) snap.limitCostMicros = b.limitCostMicros;
  return snap;
}
