import { currentPeriod, type PeriodBounds } from '../../apis/budget-period.js';
import { moneyToMicros } from '../../apis/compile/money.js';
import type { BUDGET_ACTIONS, BUDGET_PHASES, TokenBudgetSpec } from '../../apis/token-budget.js';

export type BudgetAction = (typeof BUDGET_ACTIONS)[number];
export type BudgetPhase = (typeof BUDGET_PHASES)[number];

/** The order actions are listed in (status, events, effective policy). */
const ACTION_ORDER: readonly BudgetAction[] = ['Alert', 'Degrade', 'Throttle', 'Suspend'];

/** What the selected agents used this period. */
export interface BudgetUsed {
  /** Input plus output tokens. */
  tokens: number;
  costMicros: number;
}

export interface CrossedThreshold {
  percent: number;
  actions: BudgetAction[];
}

export interface BudgetPhaseDecision {
  phase: BudgetPhase;
  /** Share of the tightest limit used, in percent, unrounded; may exceed 100. */
  percent: number;
  /** Share of `limits.tokens`, when set. */
  tokenPercent?: number;
  /** Share of `limits.cost`, when set. */
  costPercent?: number;
  /** Thresholds reached, lowest first. */
  crossed: CrossedThreshold[];
  /** Actions of every crossed threshold: the budget's view, before criticality (`status.activeActions`). */
  actions: BudgetAction[];
  /** The period `now` falls in. */
  period: PeriodBounds;
}

/**
 * The phase of a budget: `Exhausted` at 100 % of any limit, `Warning` once a threshold below 100 %
 * is reached, `Active` otherwise. The percent is of the tightest limit (tokens or cost, whichever is
 * used more); the actions are the union of every reached threshold's. Throws, naming the field,
 * when the period cannot be computed (an unknown time zone or a bad schedule).
 */
export function budgetPhase(
  spec: Pick<TokenBudgetSpec, 'limits' | 'thresholds' | 'period'>,
  used: BudgetUsed,
  now: Date,
): BudgetPhaseDecision {
  const period = currentPeriod(spec.period, now);
  // (used × 100) / limit is exact whenever the share is a whole percent, so 29 of 100 is 29 % (not
  // 28.999…) and reaches a threshold at 29.
  const tokenPercent =
    spec.limits.tokens !== undefined ? (used.tokens * 100) / spec.limits.tokens : undefined;
  const costPercent =
    spec.limits.cost !== undefined ? (used.costMicros * 100) / moneyToMicros(spec.limits.cost) : undefined;
  const percent = Math.max(0, tokenPercent ?? 0, costPercent ?? 0);
  const crossed = (spec.thresholds ?? [])
    .filter((t) => percent >= t.percent)
    .sort((a, b) => a.percent - b.percent)
    .map((t) => ({ percent: t.percent, actions: ordered(t.actions) }));
  const phase: BudgetPhase =
    percent >= 100 ? 'Exhausted' : crossed.some((t) => t.percent < 100) ? 'Warning' : 'Active';
  return {
    phase,
    percent,
    ...(tokenPercent !== undefined ? { tokenPercent } : {}),
    ...(costPercent !== undefined ? { costPercent } : {}),
    crossed,
    actions: ordered(crossed.flatMap((t) => t.actions)),
    period,
  };
}

/**
 * The actions in force for one agent. A critical agent (pod-template label
 * `governor.agents.dev/criticality: critical`) is never suspended or throttled, only degraded:
 * Suspend becomes Degrade, Throttle is dropped, and an exhausted budget degrades it instead of
 * refusing its calls: a critical agent serves what must keep working, so a budget may make it
 * cheaper but never stop it (ARCHITECTURE.md, "Invariants, and what holds them").
 */
export function agentActions(decision: Pick<BudgetPhaseDecision, 'phase' | 'actions'>, critical: boolean) {
  if (!critical) return [...decision.actions];
  const actions = new Set<BudgetAction>(decision.actions);
  if (actions.delete('Suspend') || decision.phase === 'Exhausted') actions.add('Degrade');
  actions.delete('Throttle');
  return ordered([...actions]);
}

/** The whole percentage shown in `status.percent`: rounded down, so 99.9 % never reads as 100. */
export function wholePercent(percent: number): number {
  return Math.floor(percent);
}

function ordered(actions: readonly BudgetAction[]): BudgetAction[] {
  const set = new Set(actions);
  return ACTION_ORDER.filter((a) => set.has(a));
}
