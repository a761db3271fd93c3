// Which listed objects the residency audit inspects besides the agents of the caches (pure): every
// object with a pod template in a namespace the policy selects — Deployments, StatefulSets,
// DaemonSets, ReplicaSets, Jobs, CronJobs and Pods — once each. An object another audited object
// makes is left to its maker (a ReplicaSet of a Deployment, a Job of a CronJob, a Pod of any
// controller): its template is the maker's, so it would only repeat the maker's violations. Agent
// workloads of the four agent kinds are left out too: they come from the informer caches, with the
// routes their agent uses. Objects being deleted are leaving; they are not audited.

import {
  agentWorkloadOf,
  type PodTemplate,
  podTemplateOf,
  type WorkloadObject,
} from '../agents/agent-discovery.js';
import type { WorkloadKind } from '../agents/agent-workload.js';

/** The kinds that carry a pod template: what the audit reads and the residency webhook judges. */
export const AUDITED_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
] as const;
export type AuditedKind = (typeof AUDITED_KINDS)[number];

/** One workload the audit inspects: what its pod template carries and where it lives. */
export interface AuditedWorkload {
  kind: string;
  namespace: string;
  name: string;
  template: PodTemplate;
  /** The workload's own annotations (the egress annotation may be written there). */
  annotations: Readonly<Record<string, string>>;
}

interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  controller?: boolean;
}

/** An object as a list returns it (no `kind`): a workload, or a Pod whose spec is its own. */
export interface ListedObject extends WorkloadObject {
  metadata?: WorkloadObject['metadata'] & {
    labels?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    deletionTimestamp?: string;
  };
  spec?: WorkloadObject['spec'] & Record<string, unknown>;
}

const AGENT_KINDS: ReadonlySet<string> = new Set<WorkloadKind>([
  'Deployment',
  'StatefulSet',
  'Job',
  'CronJob',
]);

/** The audited workloads among `objects` of `kind`, in list order. */
export function auditedWorkloadsOf(kind: AuditedKind, objects: readonly ListedObject[]): AuditedWorkload[] {
  const result: AuditedWorkload[] = [];
  for (const object of objects) {
    const name = object.metadata?.name;
    const namespace = object.metadata?.namespace;
    if (!name || !namespace || object.metadata?.deletionTimestamp) continue;
    if (madeByAuditedOwner(kind, object.metadata?.ownerReferences ?? [])) continue;
    if (AGENT_KINDS.has(kind) && agentWorkloadOf(kind as WorkloadKind, object)) continue;
    const template = templateOf(kind, object);
    if (!template) continue;
    result.push({ kind, namespace, name, template, annotations: object.metadata?.annotations ?? {} });
  }
  return result;
}

/**
 * Whether the object's template is its owner's, and the owner is audited itself: a ReplicaSet a
 * Deployment rolls out, a Job a CronJob starts, a Pod any controller manages (a ReplicaSet,
 * StatefulSet, DaemonSet, Job — or a custom controller's object, which carries no pod template the
 * audit could read; its Pods are then audited by admission only).
 */
export function madeByAuditedOwner(kind: AuditedKind, owners: readonly OwnerReference[]): boolean {
  switch (kind) {
    case 'ReplicaSet':
      return owners.some((o) => o.kind === 'Deployment' && o.apiVersion?.startsWith('apps/'));
    case 'Job':
      return owners.some((o) => o.kind === 'CronJob' && o.apiVersion?.startsWith('batch/'));
    case 'Pod':
      return owners.some((o) => o.controller === true);
    default:
      return false;
  }
}

function templateOf(kind: AuditedKind, object: ListedObject): PodTemplate | undefined {
  if (kind === 'Pod') {
    const { labels, annotations } = object.metadata ?? {};
    return {
      metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
      spec: object.spec,
    };
  }
  return kind === 'CronJob' ? podTemplateOf('CronJob', object) : object.spec?.template;
}
