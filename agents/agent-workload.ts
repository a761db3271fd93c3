// What an agent workload is: a Deployment, StatefulSet, Job or CronJob whose pod template carries
// the agent label with a non-empty value (ARCHITECTURE.md, "Glossary"). The label sits on the
// template, not on the workload, so no server-side label selector can find them; informers filter
// with `isAgentWorkload` instead — one shared function, so every controller watching agent
// workloads shares one informer per kind. Pure, except for the resource table.
import { AGENT_LABEL, CRITICALITY_LABEL } from '../apis/group-version.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { cronJobs, deployments, jobs, statefulSets } from '../runtime/kube/resources.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The agent workload kinds as resources of the kube client. */
export const workloadResources: Record<WorkloadKind, ResourceType> = {
  Deployment: deployments,
  StatefulSet: statefulSets,
  Job: jobs,
  CronJob: cronJobs,
};

interface Template {
  metadata?: { labels?: Record<string, string> };
}

interface WorkloadShape extends KubeObject {
  spec?: {
    replicas?: number;
    suspend?: boolean;
    template?: Template;
    jobTemplate?: { spec?: { template?: Template } };
  };
}

/**
 * The labels of the pods a workload creates (a CronJob's through its job template): what
 * agentSelectors match. Decided by shape, not by `kind`: listed items arrive without a kind.
 */
export function podTemplateLabels(workload: KubeObject): Record<string, string> {
  const spec = (workload as WorkloadShape).spec;
  return (spec?.jobTemplate ? spec.jobTemplate.spec?.template : spec?.template)?.metadata?.labels ?? {};
}

/** The agent a workload runs, or undefined when it is not an agent (no label, or an empty one). */
export function agentNameOf(workload: KubeObject): string | undefined {
  return podTemplateLabels(workload)[AGENT_LABEL] || undefined;
}

/** The one filter of every informer of agent workloads. */
export function isAgentWorkload(workload: KubeObject): boolean {
  return agentNameOf(workload) !== undefined;
}

/** What budget actions need to know of an agent workload. */
export interface AgentWorkload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** Value of the pod template's governor.agents.dev/agent label. */
  agent: string;
  /** Pod template labelled governor.agents.dev/criticality: critical. */
  critical: boolean;
  /** `spec.replicas` of a Deployment / StatefulSet (1 when unset, as the API server defaults it). */
  replicas?: number;
  /** `spec.suspend` of a Job / CronJob. */
  suspend?: boolean;
  annotations: Readonly<Record<string, string>>;
  resourceVersion?: string;
}

/**
 * An agent workload from a Deployment, StatefulSet, Job or CronJob as the API server returns it;
 * undefined for another kind or a pod template without the agent label.
 */
export function agentWorkload(object: unknown): AgentWorkload | undefined {
  const o = object as WorkloadShape;
  const kind = WORKLOAD_KINDS.find((k) => k === o?.kind);
  if (!kind || !o.metadata?.name || !o.metadata.namespace) return undefined;
  const labels = podTemplateLabels(o);
  const agent = agentNameOf(o);
  if (agent === undefined) return undefined;
  const scalable = kind === 'Deployment' || kind === 'StatefulSet';
  return {
    kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    agent,
    critical: labels[CRITICALITY_LABEL] === 'critical',
    ...(scalable ? { replicas: o.spec?.replicas ?? 1 } : { suspend: o.spec?.suspend ?? false }),
    annotations: { ...(o.metadata.annotations ?? {}) },
    ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}),
  };
}
