// One TokenBudget as one agent enforces it. The budget's phase, usage and actions are what the
// TokenBudget controller wrote into its status (it aggregates usage of all selected agents); a
// budget without status yet counts as Active with nothing used. Actions are then resolved for the
// agent: a critical agent is never suspended, throttled or shed — it is degraded instead. Pure.
import { currentPeriod } from '../../apis/budget-period.js';
import { type BudgetAction, compileBudget } from '../../apis/compile/budget.js';
import { moneyToMicros } from '../../apis/compile/money.js';
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { TokenBudget } from '../../apis/token-budget.js';

const ACTION_ORDER: BudgetAction[] = ['Alert', 'Degrade', 'Throttle', 'Suspend'];
/** Actions that take capacity away from an agent; a critical agent gets Degrade instead. */
const WITHHELD_FROM_CRITICAL: ReadonlySet<BudgetAction> = new Set(['Suspend', 'Throttle']);

/** The actions in force for one agent, given the budget's actions and phase. */
export function agentBudgetActions(
  actions: readonly BudgetAction[],
  phase: EffectiveBudget['phase'],
  critical: boolean,
): BudgetAction[] {
  const result = new Set(actions);
  if (critical) {
    const withheld = [...result].some((a) => WITHHELD_FROM_CRITICAL.has(a));
    for (const action of WITHHELD_FROM_CRITICAL) result.delete(action);
    if (withheld || phase === 'Exhausted') result.add('Degrade');
  }
  return ACTION_ORDER.filter((a) => result.has(a));
}

/**
 * The effective budget of `budget` for one agent. `routes` are the routes of the budget's namespace,
 * for `degrade.fallbackRouteRef`. Throws an error naming the budget when its period cannot be computed.
 */
export function agentBudget(
  budget: TokenBudget,
  critical: boolean,
  routes: readonly FallbackRoute[],
  now: Date,
): EffectiveBudget {
  const name = `${budget.metadata?.namespace}/${budget.metadata?.name}`;
  const status = budget.status;
  const counted = status?.phase !== undefined;
  let periodEnd: Date;
  const statusEnd = counted && status?.periodEnd ? new Date(status.periodEnd) : undefined;
  if (statusEnd && !Number.isNaN(statusEnd.getTime())) {
    periodEnd = statusEnd;
  } else {
    try {
      periodEnd = currentPeriod(budget.spec.period, now).end;
    } catch (err) {
      throw new Error(`TokenBudget ${name}: spec.period: ${(err as Error).message}`);
    }
  }
  const usedTokens = counted ? (status?.used?.tokens ?? 0) : 0;
  const usedCostMicros = counted && status?.used?.cost ? costMicros(status.used.cost) : 0;
  const compiled = compileBudget(name, budget.spec, { usedTokens, usedCostMicros, critical, periodEnd });
  if (counted && status?.phase) {
    compiled.phase = status.phase;
    compiled.actions = agentBudgetActions(status.activeActions ?? [], status.phase, critical);
  } else {
    compiled.phase = 'Active';
    compiled.actions = agentBudgetActions([], 'Active', critical);
  }
  const degradeModel = budget.spec.degrade?.model ?? routeDegradeModel(budget, routes);
  if (degradeModel) compiled.degradeModel = degradeModel;
  return compiled;
}

function routeDegradeModel(budget: TokenBudget, routes: readonly FallbackRoute[]): string | undefined {
  const ref = budget.spec.degrade?.fallbackRouteRef?.name;
  if (!ref) return undefined;
  const route = routes.find(
    (r) => r.metadata?.name === ref && r.metadata?.namespace === budget.metadata?.namespace,
  );
  return route?.spec.degradeTo?.model;
}

/** Status money as micro-units; a status written with more precision than the schema allows is rounded, not fatal. */
function costMicros(amount: string): number {
  try {
    return moneyToMicros(amount);
  } catch {
    const value = Math.round(Number(amount) * 1_000_000);
    return Number.isFinite(value) && value >= 0 ? value : 0;
  }
}
