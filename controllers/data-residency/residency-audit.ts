// The audit of one DataResidencyPolicy (pure): every workload in the namespaces it applies to —
// the agents (with each target of the FallbackRoutes they use) and the other workloads with a pod
// template (audited-workloads.ts) — each destination its pod template carries
// (apis/pod-destinations.ts: env, ConfigMaps read or mounted, command, args, the egress annotation;
// through a Service that stands for an external host, that host), judged against this policy alone,
// exactly as admission judges it. The result is the status list: sorted, de-duplicated, the first
// 100 kept and all counted.

import type { Agent } from '../../agents/agent-discovery.js';
import { selectRoutes } from '../../agents/route-selection.js';
import { compileResidency } from '../../apis/compile/residency.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import {
  EGRESS_ANNOTATION,
  judgeDestination,
  type PodSpecLike,
  podDestinations,
} from '../../apis/pod-destinations.js';
import type { ServiceLookup } from '../../apis/service-aliases.js';
import type { AuditedWorkload } from '../../residency/audited-workloads.js';
import { operatorMount } from '../../residency/operator-mounts.js';
import {
  type PlacedTarget,
  placeTarget,
  placeTargetThroughServices,
} from '../../residency/target-placement.js';

export type Violation = NonNullable<NonNullable<DataResidencyPolicy['status']>['violations']>[number];

export const MAX_LISTED_VIOLATIONS = 100;

export interface AuditInputs {
  policy: DataResidencyPolicy;
  /** Agents of the namespaces the policy applies to (exempt namespaces already left out). */
  agents: readonly Agent[];
  /** The other workloads of those namespaces (no agent label, or not an agent kind); default none. */
  workloads?: readonly AuditedWorkload[];
  /** ConfigMap data of a namespace by name (what the pod templates reference). */
  configMaps: (namespace: string) => Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;
  /** FallbackRoutes of a namespace. */
  routes: (namespace: string) => readonly FallbackRoute[];
  /** Whether a namespace exists: `<service>.<namespace>` then names a Service, not egress (as at admission). */
  isClusterNamespace?: (name: string) => boolean;
  /** The Services that stand for external hosts (as at admission); default none. */
  services?: ServiceLookup;
}

export interface AuditResult {
  violations: Violation[];
  violationCount: number;
  /** Workloads inspected. */
  workloads: number;
  /** Every violation found, for Events (the status keeps the first 100). */
  all: Array<Violation & { message: string }>;
}

export function violationKey(v: Violation): string {
  return [v.namespace, v.kind, v.name, v.container ?? '', v.source, v.endpoint].join('\n');
}

export function auditResidency(inputs: AuditInputs): AuditResult {
  const name = inputs.policy.metadata?.name ?? '';
  const residency = compileResidency([{ name, spec: inputs.policy.spec }]);
  const additions = residency?.endpoints ?? [];
  const found = new Map<string, Violation & { message: string }>();
  const note = (v: Violation, message: string) => {
    const key = violationKey(v);
    if (!found.has(key)) found.set(key, { ...v, message });
  };
  let workloads = 0;
  // A target the catalog cannot place may name a Service that stands for external hosts (as at admission).
  const targetPlacements = (
    target: { endpoint: string; region?: string | undefined },
    namespace: string,
  ): PlacedTarget[] => {
    const own = placeTarget(target, residency);
    if (!inputs.services || (!own.internal && own.region !== undefined)) return [own];
    const aliases = {
      services: inputs.services,
      namespace,
      additions,
      ...(inputs.isClusterNamespace ? { isClusterNamespace: inputs.isClusterNamespace } : {}),
    };
    return placeTargetThroughServices(target, residency, aliases) ?? [own];
  };
  const inspect = (workload: AuditedWorkload) => {
    workloads++;
    const destinations = podDestinations({
      spec: workload.template.spec as PodSpecLike | undefined,
      annotations: egressAnnotations(workload.annotations, workload.template.metadata?.annotations),
      configMaps: inputs.configMaps(workload.namespace),
      additions,
      namespace: workload.namespace,
      skipMount: operatorMount,
      ...(inputs.isClusterNamespace ? { isClusterNamespace: inputs.isClusterNamespace } : {}),
      ...(inputs.services ? { services: inputs.services } : {}),
    });
    for (const destination of destinations) {
      const decision = judgeDestination(destination, residency);
      if (decision.allowed) continue;
      note(
        {
          namespace: workload.namespace,
          kind: workload.kind,
          name: workload.name,
          ...(destination.container !== undefined ? { container: destination.container } : {}),
          source: destination.source,
          endpoint: destination.endpoint.slice(0, 2048),
          ...(destination.region !== undefined ? { region: destination.region } : {}),
        },
        `${workload.kind} ${workload.namespace}/${workload.name}${destination.container ? ` container ${destination.container}` : ''} ${destination.source}: ${decision.message}`,
      );
    }
  };
  for (const workload of inputs.workloads ?? []) inspect(workload);
  for (const agent of inputs.agents) {
    for (const workload of agent.workloads) inspect(workload);
    for (const route of selectRoutes(agent, inputs.routes(agent.namespace)).routes) {
      for (const target of route.spec.targets) {
        for (const placed of targetPlacements(target, agent.namespace)) {
          if (placed.decision.allowed) continue;
          const source = `target ${target.name}${placed.via ? ` via ${placed.via}` : ''}`;
          note(
            {
              namespace: agent.namespace,
              kind: 'FallbackRoute',
              name: route.metadata?.name ?? '',
              source,
              endpoint: target.endpoint,
              ...(placed.region !== undefined ? { region: placed.region } : {}),
            },
            `FallbackRoute ${agent.namespace}/${route.metadata?.name} ${source}: ${placed.decision.message}`,
          );
        }
      }
    }
  }
  const all = [...found.values()].sort((a, b) => violationKey(a).localeCompare(violationKey(b)));
  const violations = all.slice(0, MAX_LISTED_VIOLATIONS).map(({ message: _message, ...v }) => v);
  return { violations, violationCount: all.length, workloads, all };
}

/** The pod template's annotations, with the workload's egress annotation when the template has none. */
function egressAnnotations(
  workload: Readonly<Record<string, string>>,
  template: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const egress = workload[EGRESS_ANNOTATION];
  return { ...(egress !== undefined ? { [EGRESS_ANNOTATION]: egress } : {}), ...(template ?? {}) };
}
