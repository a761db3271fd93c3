import { agentBudgetActions } from '../../apis/compile/budget.js';
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { BUDGET_ACTIONS, BUDGET_PHASES } from '../../apis/token-budget.js';

export type BudgetPhase = (typeof BUDGET_PHASES)[number];
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

const RANK: Record<BudgetPhase, number> = { Active: 0, Warning: 1, Exhausted: 2 };

/** What a budget has used this period, as far as this sidecar knows (operator aggregate + local since). */
export interface BudgetUse {
  tokens: number;
  costMicros: number;
}

export interface PhaseDecision {
  phase: BudgetPhase;
  /** Actions in force for this agent. */
  actions: BudgetAction[];
  /** Share of the tightest limit used, in percent (may exceed 100). */
  percent: number;
}

/** Share of the tightest limit `use` amounts to, in percent; 0 for a budget without limits. */
export function usedPercent(budget: EffectiveBudget, use: BudgetUse): number {
  let percent = 0;
  if (budget.limitTokens) percent = Math.max(percent, (use.tokens / budget.limitTokens) * 100);
  if (budget.limitCostMicros) percent = Math.max(percent, (use.costMicros / budget.limitCostMicros) * 100);
  return percent;
}

/**
 * The phase and actions of a budget for one agent. From the sidecar's own counts: Exhausted at 100 %
 * of any limit, and — when the policy carries `thresholds` — Warning with the union of the actions of
 * every threshold reached (a threshold at 100 % means Exhausted). While the operator's word is current
 * (`operatorCurrent`: same period as the policy), its `phase` and `actions` count too and the more
 * severe phase wins, so local counts can only tighten what the operator decided.
 *
 * A critical agent is never suspended or throttled, only degraded: its actions are resolved by
 * `agentBudgetActions` (apis/compile/budget.ts), the rule the operator and the standalone compiler use.
 */
export function budgetPhase(
  budget: EffectiveBudget,
  use: BudgetUse,
  options: { operatorCurrent: boolean; critical: boolean },
): PhaseDecision {
  const percent = usedPercent(budget, use);
  let phase: BudgetPhase = percent >= 100 ? 'Exhausted' : 'Active';
  // Actions in first-seen order, each once (a handful at most: an array beats a Set here, per call).
  const actions: BudgetAction[] = [];
  for (const threshold of budget.thresholds ?? NO_THRESHOLDS) {
    if (percent < threshold.percent) continue;
    for (const action of threshold.actions) addAction(actions, action);
    const reached: BudgetPhase = threshold.percent >= 100 ? 'Exhausted' : 'Warning';
    if (RANK[reached] > RANK[phase]) phase = reached;
  }
  if (options.operatorCurrent) {
    if (RANK[budget.phase] > RANK[phase]) phase = budget.phase;
    for (const action of budget.actions) addAction(actions, action);
  }
  if (options.critical) return { phase, actions: agentBudgetActions(actions, phase, true), percent };
  return { phase, actions, percent };
}

const NO_THRESHOLDS: NonNullable<EffectiveBudget['thresholds']> = [];

function addAction(actions: BudgetAction[], action: BudgetAction): void {
  if (!actions.includes(action)) actions.push(action);
}
