// The agent workload kinds as resources of the kube client, and the cache watches a controller adds
// so it can read them (E's `WorkloadKind` names them; the runtime needs their resource types).

import { AGENT_LABEL } from '../apis/group-version.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { cronJobs, deployments, jobs, statefulSets } from '../runtime/kube/resources.js';
import type { WorkloadKind } from './budget-workload.js';

export const workloadResources: Record<WorkloadKind, ResourceType> = {
  Deployment: deployments,
  StatefulSet: statefulSets,
  Job: jobs,
  CronJob: cronJobs,
};

interface PodTemplateHolder {
  kind?: string;
  spec?: {
    template?: { metadata?: { labels?: Record<string, string> } };
    jobTemplate?: { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } };
  };
}

/** The pod-template labels of a Deployment, StatefulSet, Job or CronJob (policies select on these). */
export function templateLabels(object: KubeObject): Record<string, string> {
  const o = object as PodTemplateHolder;
  // Decided by shape, not by `kind`: list items arrive without apiVersion and kind.
  const labels = o.spec?.jobTemplate
    ? o.spec.jobTemplate.spec?.template?.metadata?.labels
    : o.spec?.template?.metadata?.labels;
  return labels ?? {};
}

/** Whether the object is an agent workload: its pod template carries the agent label. */
export function isAgentWorkload(object: KubeObject): boolean {
  return templateLabels(object)[AGENT_LABEL] !== undefined;
}
