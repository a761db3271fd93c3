import { AGENT_LABEL, CRITICALITY_LABEL } from '../apis/group-version.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

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

interface KubeObject {
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: {
    replicas?: number;
    suspend?: boolean;
    template?: { metadata?: { labels?: Record<string, string> } };
    jobTemplate?: { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } };
  };
}

/**
 * An agent workload from a Deployment, StatefulSet, Job or CronJob as the API server returns it;
 * undefined for another kind or a pod template without the agent label.
 */
export function agentWorkload(object: unknown): AgentWorkload | undefined {
  const o = object as KubeObject;
  const kind = WORKLOAD_KINDS.find((k) => k === o?.kind);
  if (!kind || !o.metadata?.name || !o.metadata.namespace) return undefined;
  const labels =
    kind === 'CronJob'
      ? o.spec?.jobTemplate?.spec?.template?.metadata?.labels
      : o.spec?.template?.metadata?.labels;
  const agent = labels?.[AGENT_LABEL];
  if (agent === undefined) return undefined;
  const scalable = kind === 'Deployment' || kind === 'StatefulSet';
  return {
    kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    agent,
    critical: labels?.[CRITICALITY_LABEL] === 'critical',
    ...(scalable ? { replicas: o.spec?.replicas ?? 1 } : { suspend: o.spec?.suspend ?? false }),
    annotations: { ...(o.metadata.annotations ?? {}) },
    ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}),
  };
}
