import type { EffectivePolicy } from '../../apis/effective-policy.js';

/**
 * Whether an SLO's SwitchToFallback is in force for `route`: one of the agent's SLOs lists it among
 * the actions in force and names this route or none (every route). The operator decides when the
 * switch starts and ends, hysteresis included (docs/adr/0040-fast-burn-switch-and-hysteresis.md);
 * the sidecar only follows the policy. Pure.
 */
export function switchedToFallback(slos: EffectivePolicy['slos'], route: string): boolean {
  for (const slo of slos) {
    if (!slo.fastBurnActions.includes('SwitchToFallback')) continue;
    if (slo.fallbackRoute === undefined || slo.fallbackRoute === route) return true;
  }
  return false;
}

/** The routes of the policy a SwitchToFallback is in force for (for the sidecar's gauge). */
export function switchedRoutes(policy: EffectivePolicy): string[] {
  return policy.routes.filter((r) => switchedToFallback(policy.slos, r.name)).map((r) => r.name);
}
