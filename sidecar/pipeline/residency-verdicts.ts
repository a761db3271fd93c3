import type { EffectivePolicy, EffectiveRoute, EffectiveTarget } from '../../apis/effective-policy.js';
import { residencyDecision } from '../../apis/residency-decision.js';
import type { TargetResidency } from '../routing/attempt-plan.js';

/**
 * Residency verdicts per target, computed once per policy: a new policy brings new route objects,
 * so keying on the route object forgets stale verdicts without any bookkeeping.
 */
export class ResidencyVerdicts {
  private readonly byRoute = new WeakMap<EffectiveRoute, Map<string, TargetResidency>>();

  verdict(policy: EffectivePolicy, route: EffectiveRoute, target: EffectiveTarget): TargetResidency {
    let verdicts = this.byRoute.get(route);
    if (!verdicts) {
      verdicts = new Map();
      this.byRoute.set(route, verdicts);
    }
    let verdict = verdicts.get(target.name);
    if (!verdict) {
      verdict = residencyDecision(policy.residency, {
        baseUrl: target.baseUrl,
        ...(target.region !== undefined ? { region: target.region } : {}),
        ...(target.jurisdiction !== undefined ? { jurisdiction: target.jurisdiction } : {}),
      });
      verdicts.set(target.name, verdict);
    }
    return verdict;
  }
}
