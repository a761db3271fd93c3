// A FallbackRoute's circuits as its agents' sidecars report them (docs/adr/0041-circuit-reports.md).
// Pure: the fresh reports of the sidecars of the agents the route is compiled into decide.
//   a target's circuit  Closed when any reporting sidecar has it Closed (calls get through there),
//                       else Open when any has it Open, else HalfOpen; unknown when no fresh report
//                       names it (no sidecar has called it in the last minute)
//   every circuit open  every target of the route reported, and all of them Open
//   activeTarget        the target most reporting sidecars send their calls to first now
import { freshReport } from '../../apis/ledger/circuit-reports.js';
import { CIRCUIT_REPORT_TTL_MS, type CircuitReportEntry } from '../../apis/usage-ledger.js';

type CircuitState = 'Closed' | 'Open' | 'HalfOpen';

export interface RouteCircuits {
  /** Aggregated state per target name; a target no fresh report names is absent. */
  targets: Map<string, CircuitState>;
  activeTarget?: string;
  /** Every target's circuit is Open. */
  allOpen: boolean;
  /** Sidecar instances whose fresh reports name the route. */
  reporters: number;
  /** "a: Open, b: Closed" in target order; undefined without reports. */
  summary?: string;
  /** When the freshest report ages out, so the status is judged again then (ms from now). */
  recheckAfterMs?: number;
}

export function routeCircuits(
  route: string,
  targetNames: readonly string[],
  reports: readonly CircuitReportEntry[],
  now: Date,
): RouteCircuits {
  const seen = new Map<string, Set<CircuitState>>();
  const active = new Map<string, number>();
  let reporters = 0;
  let oldest: number | undefined;
  for (const report of reports) {
    if (!freshReport(report, now)) continue;
    const routed = report.routes.find((r) => r.route === route);
    if (!routed) continue;
    reporters++;
    const at = Date.parse(report.observedAt);
    oldest = oldest === undefined ? at : Math.min(oldest, at);
    for (const { target, state } of routed.targets) {
      if (!targetNames.includes(target)) continue;
      const states = seen.get(target) ?? new Set<CircuitState>();
      states.add(state);
      seen.set(target, states);
    }
    if (routed.activeTarget !== undefined && targetNames.includes(routed.activeTarget)) {
      active.set(routed.activeTarget, (active.get(routed.activeTarget) ?? 0) + 1);
    }
  }
  const targets = new Map<string, CircuitState>();
  for (const name of targetNames) {
    const states = seen.get(name);
    if (!states) continue;
    targets.set(name, states.has('Closed') ? 'Closed' : states.has('Open') ? 'Open' : 'HalfOpen');
  }
  let activeTarget: string | undefined;
  let most = 0;
  for (const name of targetNames) {
    const votes = active.get(name) ?? 0;
    if (votes > most) {
      most = votes;
      activeTarget = name;
    }
  }
  const allOpen = targetNames.length > 0 && targetNames.every((name) => targets.get(name) === 'Open');
  const summary = targets.size
    ? targetNames
        .filter((name) => targets.has(name))
        .map((name) => `${name}: ${targets.get(name)}`)
        .join(', ')
    : undefined;
  return {
    targets,
    ...(activeTarget !== undefined ? { activeTarget } : {}),
    allOpen,
    reporters,
    ...(summary !== undefined ? { summary: summary.slice(0, 256) } : {}),
    ...(oldest !== undefined
      ? { recheckAfterMs: Math.max(1, oldest + CIRCUIT_REPORT_TTL_MS - now.getTime() + 1) }
      : {}),
  };
}
