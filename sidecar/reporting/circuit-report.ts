import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { CircuitReport } from '../../apis/usage-batch.js';
import { MAX_REPORTED_ROUTES, MAX_REPORTED_TARGETS } from '../../apis/usage-batch.js';
import { switchedToFallback } from '../routing/fallback-switch.js';

type CircuitState = 'Closed' | 'Open' | 'HalfOpen';

/**
 * What this sidecar says about its circuits (docs/adr/0041-circuit-reports.md): per route of the
 * policy, each target it has a breaker for (one it never called says nothing) and the target its
 * calls go to first now — the first in its order (the fast-burn switch applied) whose circuit is not
 * Open. Routes without any breaker are left out; undefined when none is left. Pure.
 */
export function circuitReport(
  policy: EffectivePolicy,
  stateOf: (route: string, target: string) => CircuitState | undefined,
  now: Date,
): CircuitReport | undefined {
  const routes: CircuitReport['routes'] = [];
  for (const route of policy.routes) {
    if (routes.length >= MAX_REPORTED_ROUTES) break;
    const targets: CircuitReport['routes'][number]['targets'] = [];
    for (const target of route.targets.slice(0, MAX_REPORTED_TARGETS)) {
      const state = stateOf(route.name, target.name);
      if (state !== undefined) targets.push({ target: target.name, state });
    }
    if (targets.length === 0) continue;
    const [first, ...rest] = route.targets;
    const order = switchedToFallback(policy.slos, route.name) && first ? [...rest, first] : route.targets;
    const active = order.find((t) => stateOf(route.name, t.name) !== 'Open');
    routes.push({ route: route.name, ...(active ? { activeTarget: active.name } : {}), targets });
  }
  return routes.length > 0 ? { observedAt: now.toISOString(), routes } : undefined;
}

/**
 * Whether a batch spooled now carries the circuit report: always with usage (every call is usage,
 * failed ones too, so while the agent calls the operator's view stays fresh); without usage only
 * when it says something new. An idle sidecar sends nothing more, and its last report ages out at
 * the operator: nobody calling a route means nothing known about its circuits. Pure.
 */
export function reportCircuits(input: {
  report: CircuitReport | undefined;
  hasUsage: boolean;
  last: CircuitReport | undefined;
}): boolean {
  const { report, last } = input;
  if (!report) return false;
  if (input.hasUsage) return true;
  return !sameCircuits(report, last);
}

function sameCircuits(a: CircuitReport, b: CircuitReport | undefined): boolean {
  return b !== undefined && JSON.stringify(a.routes) === JSON.stringify(b.routes);
}
