// What residency objects to in one admitted workload (pure): every destination its pod template
// carries (apis/pod-destinations.ts — env values and `$(VAR)` references, configMapKeyRef and
// envFrom ConfigMaps, mounted ConfigMap files, command, args, the egress annotation) and every target
// of the FallbackRoutes its agent uses (agents/route-selection.ts, the choice the policy compiler
// makes), each judged against the policies of the namespace — a host that names a Service standing
// for an external host (ExternalName, no selector) as that host; the strictest objecting policy
// answers for each.

import type { Agent } from '../../agents/agent-discovery.js';
import type { WorkloadKind } from '../../agents/agent-workload.js';
import { selectRoutes } from '../../agents/route-selection.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { AGENT_LABEL } from '../../apis/group-version.js';
import {
  EGRESS_ANNOTATION,
  judgeDestination,
  type PodDestination,
  podDestinations,
} from '../../apis/pod-destinations.js';
import type { ResidencyMode } from '../../apis/residency-decision.js';
import type { ServiceLookup } from '../../apis/service-aliases.js';
import { operatorMount } from '../../residency/operator-mounts.js';
import { placeTarget, placeTargetThroughServices } from '../../residency/target-placement.js';
import type { AdmittedWorkload } from './admitted-workload.js';
import { type NamespaceResidency, rememberedDecision } from './namespace-residency.js';

/**
 * One destination a policy objects to: where it was found (container absent for the egress
 * annotation and route targets; source `FallbackRoute <name> target <target>` for a route), the
 * strictest objecting policy, and whether the host is unknown (no catalog entry, no declared region).
 */
export type ResidencyFinding = Omit<PodDestination, 'llmSetting'> & {
  policy: string;
  mode: ResidencyMode;
  unknown: boolean;
};

export interface FindingInputs {
  workload: AdmittedWorkload;
  judged: NamespaceResidency;
  /** Data of the ConfigMaps the pod spec references, by name (undefined: does not exist). */
  configMaps: Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;
  /** FallbackRoutes of the workload's namespace. */
  routes: readonly FallbackRoute[];
  /** Whether a namespace exists (`<service>.<namespace>` then names a Service, not egress); default none. */
  isClusterNamespace?: (name: string) => boolean;
  /** The cluster's Services that stand for external hosts; default none. */
  services?: ServiceLookup;
}

export function residencyFindings(inputs: FindingInputs): ResidencyFinding[] {
  const { workload, judged } = inputs;
  const findings: ResidencyFinding[] = [];
  const destinations = podDestinations({
    spec: workload.spec,
    annotations: egressAnnotations(workload),
    configMaps: inputs.configMaps,
    additions: judged.memo.additions,
    memo: judged.memo,
    namespace: workload.namespace,
    skipMount: operatorMount,
    ...(inputs.isClusterNamespace ? { isClusterNamespace: inputs.isClusterNamespace } : {}),
    ...(inputs.services ? { services: inputs.services } : {}),
  });
  for (const destination of destinations) {
    const decisions = destination.llmSetting ? judged.decisions.llm : judged.decisions.other;
    // Judged on what it reaches: a Service alias's target, else the endpoint itself.
    const decision = rememberedDecision(decisions, destination.target ?? destination.endpoint, () =>
      judgeDestination(destination, judged.residency),
    );
    if (decision.allowed) continue;
    findings.push(destinationFinding(destination, decision.policy, decision.mode));
  }
  const aliases = inputs.services
    ? {
        services: inputs.services,
        namespace: workload.namespace,
        additions: judged.memo.additions,
        ...(inputs.isClusterNamespace ? { isClusterNamespace: inputs.isClusterNamespace } : {}),
      }
    : undefined;
  for (const route of agentRoutes(workload, inputs.routes)) {
    for (const target of route.spec.targets) {
      // Placement depends on the endpoint and the declared region only (and the policies: judged's).
      const key = `${target.region ?? ''}\n${target.endpoint}`;
      const own = rememberedDecision(judged.targets, key, () => placeTarget(target, judged.residency));
      // An endpoint the catalog cannot place may name a Service alias (looked up anew: Services change).
      const through =
        (own.internal || own.region === undefined) && aliases
          ? placeTargetThroughServices(target, judged.residency, aliases)
          : undefined;
      for (const placed of through ?? [own]) {
        if (placed.decision.allowed) continue;
        const via = 'via' in placed && placed.via ? ` via ${placed.via}` : '';
        findings.push({
          source: `FallbackRoute ${route.metadata?.name ?? ''} target ${target.name}${via}`,
          endpoint: target.endpoint,
          host: placed.host,
          ...(placed.region !== undefined ? { region: placed.region } : {}),
          ...(placed.jurisdiction !== undefined ? { jurisdiction: placed.jurisdiction } : {}),
          policy: placed.decision.policy,
          mode: placed.decision.mode,
          unknown: placed.region === undefined,
        });
      }
    }
  }
  return findings;
}

/** The identity of a finding across two versions of an object (UPDATE). */
export function findingKey(finding: ResidencyFinding): string {
  return `${finding.container ?? ''}\n${finding.source}\n${finding.endpoint}`;
}

function destinationFinding(d: PodDestination, policy: string, mode: ResidencyMode): ResidencyFinding {
  const { llmSetting: _llmSetting, target: _target, ...where } = d;
  return { ...where, policy, mode, unknown: d.region === undefined };
}

/**
 * The routes the workload's agent uses: none unless the pod template carries the agent label.
 * Route selection reads only the template labels, so a Pod, DaemonSet or ReplicaSet of an agent
 * gets the same routes as the Deployment that made it.
 */
function agentRoutes(workload: AdmittedWorkload, routes: readonly FallbackRoute[]): FallbackRoute[] {
  const agentName = workload.labels[AGENT_LABEL];
  if (!agentName || routes.length === 0) return [];
  const agent: Agent = {
    namespace: workload.namespace,
    name: agentName,
    critical: false,
    workloads: [
      {
        kind: workload.kind as WorkloadKind,
        namespace: workload.namespace,
        name: workload.name,
        labels: workload.labels,
        critical: false,
        template: { metadata: { labels: { ...workload.labels } }, spec: workload.spec },
        annotations: workload.workloadAnnotations,
      },
    ],
  };
  return selectRoutes(agent, routes).routes;
}

/** The template's annotations, with the workload's egress annotation when the template has none (as the audit reads them). */
function egressAnnotations(workload: AdmittedWorkload): Readonly<Record<string, string>> {
  const own = workload.workloadAnnotations[EGRESS_ANNOTATION];
  if (own === undefined || workload.annotations[EGRESS_ANNOTATION] !== undefined) return workload.annotations;
  return { ...workload.annotations, [EGRESS_ANNOTATION]: own };
}
