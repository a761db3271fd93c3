// Which agents exist (agent-workload.ts: an agent is a Deployment, StatefulSet, Job or CronJob whose pod
// template carries governor.agents.dev/agent), read from workload objects as the caches hold them.
// Listed objects carry no `kind`, so the caller says which kind each list is. Pure.
import { AGENT_LABEL, CRITICALITY_LABEL } from '../apis/group-version.js';
import type { WorkloadKind } from './agent-workload.js';

/** A pod template as the workload kinds carry it (only what discovery and audits read). */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}

/** The workload shape discovery reads: a pod template, or a Job template holding one (CronJob). */
export interface WorkloadObject {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    template?: PodTemplate;
    jobTemplate?: { spec?: { template?: PodTemplate } };
  };
}

export interface AgentWorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** Labels of the pod template: what agentSelectors match. */
  labels: Readonly<Record<string, string>>;
  critical: boolean;
  template: PodTemplate;
  /** The workload's own annotations (the egress annotation may be written there, not on the template). */
  annotations: Readonly<Record<string, string>>;
}

export interface Agent {
  namespace: string;
  /** Value of the agent label. */
  name: string;
  /** Critical when any of its workloads is marked critical: never suspended, only degraded. */
  critical: boolean;
  /** Union of the pod-template labels of its workloads; a selector matching any workload selects the agent. */
  workloads: AgentWorkloadRef[];
}

/** The pod template of a workload: `spec.template`, or `spec.jobTemplate.spec.template` for a CronJob. */
export function podTemplateOf(kind: WorkloadKind, object: WorkloadObject): PodTemplate | undefined {
  return kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template : object.spec?.template;
}

/** The agent workload an object is, or undefined when its pod template carries no agent label. */
export function agentWorkloadOf(kind: WorkloadKind, object: WorkloadObject): AgentWorkloadRef | undefined {
  const name = object.metadata?.name;
  const namespace = object.metadata?.namespace;
  const template = podTemplateOf(kind, object);
  const labels = template?.metadata?.labels ?? {};
  const agent = labels[AGENT_LABEL];
  if (!name || !namespace || !template || agent === undefined || agent === '') return undefined;
  return {
    kind,
    namespace,
    name,
    labels,
    critical: labels[CRITICALITY_LABEL] === 'critical',
    template,
    annotations: object.metadata?.annotations ?? {},
  };
}

/** Agents from workloads of every kind, keyed `namespace/agent`, workloads in a stable order. */
export function discoverAgents(
  workloads: ReadonlyArray<{ kind: WorkloadKind; objects: readonly WorkloadObject[] }>,
): Map<string, Agent> {
  const agents = new Map<string, Agent>();
  for (const { kind, objects } of workloads) {
    for (const object of objects) {
      const workload = agentWorkloadOf(kind, object);
      if (!workload) continue;
      const agentName = workload.labels[AGENT_LABEL] as string;
      const key = `${workload.namespace}/${agentName}`;
      const agent = agents.get(key) ?? {
        namespace: workload.namespace,
        name: agentName,
        critical: false,
        workloads: [],
      };
      agent.workloads.push(workload);
      agent.critical ||= workload.critical;
      agents.set(key, agent);
    }
  }
  for (const agent of agents.values()) {
    agent.workloads.sort((a, b) =>
      a.kind + a.name < b.kind + b.name ? -1 : a.kind + a.name > b.kind + b.name ? 1 : 0,
    );
  }
  return agents;
}
