// What a FallbackRoute's status should say (pure): each target with the host, region and
// jurisdiction it resolves to and whether the residency policies of the route's namespace allow
// it; how many agents the route is compiled into; and the kstatus verdict —
//   Stalled / TargetRegionForbidden  a target is forbidden by a policy in Enforce mode
//   Stalled / ConflictingRoutes      an older route claims the same model for one of its agents
//   Stalled / AllCircuitsOpen        the sidecars report every target's circuit open (route-circuits.ts)
//   Ready                            otherwise (Warn / Audit objections and unplaced targets are
//                                    named in the message but do not stop the route).

import type { Agent } from '../../agents/agent-discovery.js';
import { routeSelectsAgent, selectRoutes } from '../../agents/route-selection.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { placeTarget } from '../../residency/target-placement.js';
import { type ConditionDecision, type Health, kstatusConditions } from '../kstatus/conditions.js';
import type { RouteCircuits } from './route-circuits.js';

type RouteStatus = NonNullable<FallbackRoute['status']>;
export type ResolvedTarget = NonNullable<RouteStatus['resolvedTargets']>[number];

export interface RouteVerdict {
  resolvedTargets: ResolvedTarget[];
  agents: number;
  /** The target most sidecars call first now, from their circuit reports. */
  activeTarget?: string;
  /** "a: Open, b: Closed", from the sidecars' circuit reports. */
  circuit?: string;
  health: Health;
  conditions: ConditionDecision[];
}

export interface RouteStatusInputs {
  route: FallbackRoute;
  /** Residency of the route's namespace (compileResidency of the policies that apply), if any. */
  residency: EffectivePolicy['residency'];
  /** Agents of the route's namespace. */
  agents: readonly Agent[];
  /** Every FallbackRoute of the namespace, this one included (for conflicts). */
  routes: readonly FallbackRoute[];
  /** The circuits the route's sidecars report (absent: none known). */
  circuits?: RouteCircuits;
}

export function routeVerdict(inputs: RouteStatusInputs): RouteVerdict {
  const { route, residency } = inputs;
  const name = route.metadata?.name ?? '';
  const forbidden: string[] = [];
  const objections: string[] = [];
  const unplaced: string[] = [];
  const circuits = inputs.circuits;
  const resolvedTargets = route.spec.targets.map((target): ResolvedTarget => {
    const circuit = circuits?.targets.get(target.name);
    const placed = placeTarget(target, residency);
    if (!placed.decision.allowed) {
      const line = `target ${target.name}: ${placed.decision.message}`;
      if (placed.decision.mode === 'Enforce') forbidden.push(line);
      else objections.push(line);
    } else if (placed.region === undefined && !placed.internal) {
      unplaced.push(target.name);
    }
    return {
      name: target.name,
      host: placed.host.slice(0, 253),
      ...(placed.region !== undefined ? { region: placed.region } : {}),
      ...(placed.jurisdiction !== undefined ? { jurisdiction: placed.jurisdiction } : {}),
      allowed: placed.decision.allowed,
      ...(circuit !== undefined ? { circuit } : {}),
    };
  });

  let compiledInto = 0;
  const conflicts: string[] = [];
  for (const agent of inputs.agents) {
    if (!routeSelectsAgent(route, agent)) continue;
    const selection = selectRoutes(agent, inputs.routes);
    if (selection.routes.some((r) => r.metadata?.name === name)) compiledInto++;
    for (const conflict of selection.conflicts) {
      if (conflict.losers.includes(name)) {
        conflicts.push(
          `route ${conflict.winner} already claims model ${conflict.model} for agent ${agent.namespace}/${agent.name} and is used instead of this one`,
        );
      }
    }
  }

  let health: Health;
  if (forbidden.length > 0) {
    health = {
      state: 'Stalled',
      reason: 'TargetRegionForbidden',
      message: `${forbidden.join('; ')}. Remove the target or point it at an allowed region.`,
    };
  } else if (conflicts.length > 0) {
    health = {
      state: 'Stalled',
      reason: 'ConflictingRoutes',
      message: `${conflicts.join('; ')}. Give each agent one route per model (narrow spec.agentSelector or change spec.model).`,
    };
  } else if (circuits?.allOpen) {
    health = {
      state: 'Stalled',
      reason: 'AllCircuitsOpen',
      message:
        `every target's circuit is open in the sidecars calling the route (${circuits.summary}; ` +
        `${circuits.reporters} sidecar(s) reporting): calls get the static response or fail until a target recovers. ` +
        'Check the providers; the status clears by itself once a probe gets through.',
    };
  } else {
    const troubled = [...(circuits?.targets ?? [])].filter(([, state]) => state !== 'Closed');
    const notes = [
      ...objections,
      ...(troubled.length ? [`circuit ${troubled.map(([t, state]) => `${t}: ${state}`).join(', ')}`] : []),
      ...(unplaced.length
        ? [`region of ${unplaced.join(', ')} unknown (no catalog entry, no region field)`]
        : []),
    ];
    health = {
      state: 'Ready',
      reason: 'TargetsResolved',
      message: `${resolvedTargets.length} target(s) resolved; compiled into ${compiledInto} agent(s)${notes.length ? `; ${notes.join('; ')}` : ''}`,
    };
  }
  return {
    resolvedTargets,
    agents: compiledInto,
    ...(circuits?.activeTarget !== undefined ? { activeTarget: circuits.activeTarget } : {}),
    ...(circuits?.summary !== undefined ? { circuit: circuits.summary } : {}),
    health,
    conditions: kstatusConditions(health),
  };
}
