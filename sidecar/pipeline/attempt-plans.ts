import type { EffectivePolicy, EffectiveRoute, EffectiveTarget } from '../../apis/effective-policy.js';
import { residencyDecision } from '../../apis/residency-decision.js';
import { type AttemptPlan, attemptPlan, type TargetResidency } from '../routing/attempt-plan.js';

/** Plans remembered per route (a catch-all route sees every model the agent names). */
const MAX_PLANS_PER_ROUTE = 256;

interface RoutePlans {
  verdicts: Map<string, TargetResidency>;
  plans: Map<string, AttemptPlan>;
}

/**
 * The attempt plan of a route for a model (and a degraded model), with the residency verdict of each
 * target, worked out once per policy rather than per call: both depend only on the policy, the route
 * and the models. A new policy brings new route objects, so keying on the route object forgets stale
 * plans without any bookkeeping. Plans are shared between calls: read only.
 */
export class AttemptPlans {
  private readonly byRoute = new WeakMap<EffectiveRoute, RoutePlans>();

  plan(
    policy: EffectivePolicy,
    route: EffectiveRoute,
    requestedModel: string,
    degradedModel: string | undefined,
    switched = false,
  ): AttemptPlan {
    let known = this.byRoute.get(route);
    if (!known) {
      known = { verdicts: new Map(), plans: new Map() };
      this.byRoute.set(route, known);
    }
    const models = degradedModel === undefined ? requestedModel : `${requestedModel}\u0000${degradedModel}`;
    const key = switched ? `${models}\u0000switched` : models;
    let plan = known.plans.get(key);
    if (!plan) {
      const verdicts = known.verdicts;
      plan = attemptPlan(
        route,
        requestedModel,
        degradedModel,
        (target) => verdict(verdicts, policy, target),
        switched,
      );
      if (known.plans.size >= MAX_PLANS_PER_ROUTE) known.plans.clear();
      known.plans.set(key, plan);
    }
    return plan;
  }
}

function verdict(
  verdicts: Map<string, TargetResidency>,
  policy: EffectivePolicy,
  target: EffectiveTarget,
): TargetResidency {
  let found = verdicts.get(target.name);
  if (!found) {
    found = residencyDecision(policy.residency, {
      baseUrl: target.baseUrl,
      ...(target.region !== undefined ? { region: target.region } : {}),
      ...(target.jurisdiction !== undefined ? { jurisdiction: target.jurisdiction } : {}),
    });
    verdicts.set(target.name, found);
  }
  return found;
}
