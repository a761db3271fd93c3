// Reading, at audit time, the workloads of the namespaces a DataResidencyPolicy selects: one list
// call per namespace and kind (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs,
// Pods), at most a few at once, kept only as audited-workloads.ts decides. Not cached: an informer
// over every Pod of the cluster would cost the operator far more memory than an audit every few
// minutes costs the API server (docs/adr/0029-residency-audit-covers-every-workload.md). A list that
// fails fails the audit with the namespace and kind named; the reconcile retries with backoff.

import {
  type AuditedKind,
  type AuditedWorkload,
  auditedWorkloadsOf,
  type ListedObject,
} from '../../residency/audited-workloads.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { type ResourceType, resourceName, resourceType } from '../../runtime/kube/resource-type.js';
import { cronJobs, deployments, jobs, pods, statefulSets } from '../../runtime/kube/resources.js';

/** API calls of one audit in flight at once: enough to overlap round trips, few enough to be polite. */
export const AUDIT_READ_CONCURRENCY = 4;

const daemonSets = resourceType<KubeObject>({
  group: 'apps',
  version: 'v1',
  plural: 'daemonsets',
  kind: 'DaemonSet',
  namespaced: true,
});
const replicaSets = resourceType<KubeObject>({
  group: 'apps',
  version: 'v1',
  plural: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
});

/** Every kind the audit lists, with its resource (the chart's ClusterRole grants `list` on each). */
export const auditedResources: ReadonlyArray<{ kind: AuditedKind; resource: ResourceType<KubeObject> }> = [
  { kind: 'Deployment', resource: deployments as ResourceType<KubeObject> },
  { kind: 'StatefulSet', resource: statefulSets as ResourceType<KubeObject> },
  { kind: 'DaemonSet', resource: daemonSets },
  { kind: 'ReplicaSet', resource: replicaSets },
  { kind: 'Job', resource: jobs as ResourceType<KubeObject> },
  { kind: 'CronJob', resource: cronJobs as ResourceType<KubeObject> },
  { kind: 'Pod', resource: pods },
];

/** The audited workloads of `namespaces` (agent workloads of the four agent kinds excluded: cached). */
export async function listAuditedWorkloads(
  client: KubeClient,
  namespaces: readonly string[],
): Promise<AuditedWorkload[]> {
  const reads = namespaces.flatMap((namespace) =>
    auditedResources.map(({ kind, resource }) => async () => {
      try {
        return auditedWorkloadsOf(kind, (await client.list(resource, { namespace })) as ListedObject[]);
      } catch (err) {
        throw new Error(
          `the residency audit cannot list ${resourceName(resource)} in namespace ${namespace}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }),
  );
  return (await atMostAtOnce(AUDIT_READ_CONCURRENCY, reads)).flat();
}

/**
 * Runs `reads` with at most `concurrency` in flight, results in order. The first failure is thrown
 * once the reads already running have settled (no read is left running behind the error).
 */
export async function atMostAtOnce<T>(
  concurrency: number,
  reads: ReadonlyArray<() => Promise<T>>,
): Promise<T[]> {
  const results = new Array<T>(reads.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < reads.length) {
      const index = next++;
      try {
        results[index] = await (reads[index] as () => Promise<T>)();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, reads.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
