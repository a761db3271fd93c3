// Which FallbackRoutes an agent uses: those in its namespace whose agentSelector matches the pod
// template labels of any of its workloads. One route per model: when two routes claim the same
// model for the same agent, the oldest (then the first by name) is used and the conflict is
// reported, so the FallbackRoute controller can mark the others Stalled (ConflictingRoutes). Pure.
import type { FallbackRoute } from '../apis/fallback-route.js';
import { matchesSelector } from '../apis/label-selector-match.js';
import type { Agent } from './agent-discovery.js';

export interface RouteConflict {
  agent: string;
  model: string;
  /** The route used. */
  winner: string;
  /** Routes claiming the same model that are not used for this agent. */
  losers: string[];
}

export interface RouteSelection {
  routes: FallbackRoute[];
  conflicts: RouteConflict[];
}

/** Whether a route selects an agent (same namespace, selector matches one of its workloads). */
export function routeSelectsAgent(route: FallbackRoute, agent: Agent): boolean {
  if (route.metadata?.namespace !== agent.namespace || route.metadata?.deletionTimestamp) return false;
  return agent.workloads.some((w) => matchesSelector(route.spec?.agentSelector, w.labels));
}

/** Older first, then by name: the stable order that decides which of two conflicting routes wins. */
export function routePrecedence(a: FallbackRoute, b: FallbackRoute): number {
  const at = a.metadata?.creationTimestamp ?? '';
  const bt = b.metadata?.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

export function selectRoutes(agent: Agent, routes: readonly FallbackRoute[]): RouteSelection {
  const byModel = new Map<string, FallbackRoute[]>();
  for (const route of [...routes].sort(routePrecedence)) {
    if (!routeSelectsAgent(route, agent)) continue;
    const model = route.spec.model;
    byModel.set(model, [...(byModel.get(model) ?? []), route]);
  }
  const selection: RouteSelection = { routes: [], conflicts: [] };
  for (const [model, claiming] of [...byModel].sort(([a], [b]) => a.localeCompare(b))) {
    const [winner, ...losers] = claiming;
    if (!winner) continue;
    selection.routes.push(winner);
    if (losers.length > 0) {
      selection.conflicts.push({
        agent: agent.name,
        model,
        winner: winner.metadata?.name ?? '',
        losers: losers.map((r) => r.metadata?.name ?? ''),
      });
    }
  }
  return selection;
}
