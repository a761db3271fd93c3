// Which workloads are agents: a Deployment, StatefulSet, Job or CronJob whose pod template carries
// the agent label (DESIGN.md). The label sits on the template, not on the workload, so no
// server-side label selector can find them; informers filter with `isAgentWorkload` instead (one
// shared function, so every controller watching agent workloads shares one informer per kind).
import { AGENT_LABEL } from '../apis/group-version.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';

interface Template {
  metadata?: { labels?: Record<string, string> };
}

interface WorkloadShape extends KubeObject {
  spec?: { template?: Template; jobTemplate?: { spec?: { template?: Template } } };
}

/** The labels of the pods a workload creates (a CronJob's through its job template). */
export function podTemplateLabels(workload: KubeObject): Record<string, string> | undefined {
  const spec = (workload as WorkloadShape).spec;
  return (spec?.jobTemplate?.spec?.template ?? spec?.template)?.metadata?.labels;
}

/** The agent a workload runs, or undefined when it is not an agent. */
export function agentNameOf(workload: KubeObject): string | undefined {
  return podTemplateLabels(workload)?.[AGENT_LABEL] || undefined;
}

export function isAgentWorkload(workload: KubeObject): boolean {
  return agentNameOf(workload) !== undefined;
}
