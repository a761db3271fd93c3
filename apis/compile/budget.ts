import type { EffectiveBudget } from '../effective-policy.js';
import type { BUDGET_ACTIONS, BUDGET_PHASES, TokenBudgetSpec } from '../token-budget.js';
import { moneyToMicros } from './money.js';

export type BudgetAction = (typeof BUDGET_ACTIONS)[number];
export type BudgetPhase = (typeof BUDGET_PHASES)[number];

/** The parts of a TokenBudget spec that reach the sidecar (no selector, alerts or reasoning budget). */
export type BudgetSpec = Pick<
  TokenBudgetSpec,
  'useCases' | 'period' | 'limits' | 'thresholds' | 'degrade' | 'throttle'
>;

export interface BudgetUsage {
  usedTokens: number;
  usedCostMicros: number;
}

const ACTION_ORDER: readonly BudgetAction[] = ['Alert', 'Degrade', 'Throttle', 'Suspend'];
/** Actions that take capacity away from an agent; a critical agent is degraded instead. */
const WITHHELD_FROM_CRITICAL: ReadonlySet<BudgetAction> = new Set(['Suspend', 'Throttle']);

/**
 * The actions in force for one agent, given its budget's actions and phase — the one rule the
 * operator's policy compiler, the standalone compiler and the sidecar's gate share. A critical agent
 * is never suspended or throttled (so never refused by a budget): it is degraded instead, whenever
 * an action was withheld from it or the budget is exhausted. Critical agents are the ones a team
 * cannot afford to stop; spending past the limit on the cheaper model is the price it chose
 * (ARCHITECTURE.md, "Budgets, actions, reset").
 */
export function agentBudgetActions(
  actions: readonly BudgetAction[],
  phase: BudgetPhase,
  critical: boolean,
): BudgetAction[] {
  const result = new Set(actions);
  if (critical) {
    const withheld = actions.some((a) => WITHHELD_FROM_CRITICAL.has(a));
    for (const action of WITHHELD_FROM_CRITICAL) result.delete(action);
    if (withheld || phase === 'Exhausted') result.add('Degrade');
  }
  return ACTION_ORDER.filter((a) => result.has(a));
}

/**
 * Phase and actions of a budget at a given usage: Exhausted at 100 % of any limit, Warning when a
 * threshold below 100 % is crossed, Active otherwise; the actions of every crossed threshold apply,
 * as `agentBudgetActions` resolves them for the agent.
 */
export function budgetState(
  spec: Pick<BudgetSpec, 'limits' | 'thresholds'>,
  usage: BudgetUsage,
  critical: boolean,
): { phase: BudgetPhase; actions: BudgetAction[]; percent: number } {
  const shares: number[] = [];
  if (spec.limits.tokens !== undefined) shares.push(usage.usedTokens / spec.limits.tokens);
  if (spec.limits.cost !== undefined) shares.push(usage.usedCostMicros / moneyToMicros(spec.limits.cost));
  const percent = Math.max(0, ...shares) * 100;
  const crossed = (spec.thresholds ?? []).filter((t) => percent >= t.percent);
  const phase: BudgetPhase =
    percent >= 100 ? 'Exhausted' : crossed.some((t) => t.percent < 100) ? 'Warning' : 'Active';
  const actions = agentBudgetActions(
    crossed.flatMap((t) => t.actions),
    phase,
    critical,
  );
  return { phase, actions, percent };
}

/**
 * TokenBudget spec + usage so far → the effective budget a sidecar enforces (limits in tokens and
 * micro-units, phase, actions in force, period end, degrade model, throttle rate).
 */
export function compileBudget(
  name: string,
  spec: BudgetSpec,
  state: BudgetUsage & { critical: boolean; periodEnd: Date },
): EffectiveBudget {
  const { phase, actions } = budgetState(spec, state, state.critical);
  const budget: EffectiveBudget = {
    name,
    phase,
    actions,
    currency: spec.limits.currency,
    usedTokens: state.usedTokens,
    usedCostMicros: state.usedCostMicros,
    periodEnd: state.periodEnd.toISOString(),
    useCases: [...(spec.useCases ?? [])],
    period: {
      reset: spec.period.reset,
      timeZone: spec.period.timeZone,
      ...(spec.period.schedule !== undefined ? { schedule: spec.period.schedule } : {}),
    },
    thresholds: (spec.thresholds ?? []).map((t) => ({ percent: t.percent, actions: [...t.actions] })),
  };
  if (spec.limits.tokens !== undefined) budget.limitTokens = spec.limits.tokens;
  if (spec.limits.cost !== undefined) budget.limitCostMicros = moneyToMicros(spec.limits.cost);
  if (spec.degrade?.model) budget.degradeModel = spec.degrade.model;
  if (spec.throttle) budget.requestsPerMinute = spec.throttle.requestsPerMinute;
  return budget;
}
