// One TokenBudget as one agent enforces it. The budget's phase, usage and actions are what the
// TokenBudget controller wrote into its status (it aggregates usage of all selected agents); a
// budget without status yet counts as Active with nothing used. Actions are then resolved for the
// agent (agentBudgetActions, shared with the sidecar): a critical agent is never suspended,
// throttled or shed — it is degraded instead. Pure.
import { currentPeriod } from '../../apis/budget-period.js';
import { agentBudgetActions, compileBudget } from '../../apis/compile/budget.js';
import { moneyToMicros } from '../../apis/compile/money.js';
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { TokenBudget } from '../../apis/token-budget.js';

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
