// Reading agent workloads from the runtime's caches: the four workload kinds with the kind each
// cache holds (listed objects carry no `kind`), and the filter every controller watching them
// shares (one function, so the informer set shares one informer per kind).
import type { ObjectCache } from '../../operator/informer/object-store.js';
import type { KubeObject } from '../../operator/kube/kube-object.js';
import type { ResourceType } from '../../operator/kube/resource-type.js';
import { cronJobs, deployments, jobs, statefulSets } from '../../operator/kube/resources.js';
import {
  type Agent,
  type AgentWorkloadKind,
  agentNameOf,
  discoverAgents,
  type WorkloadObject,
} from './agent-discovery.js';

export const agentWorkloadKinds: ReadonlyArray<{
  kind: AgentWorkloadKind;
  resource: ResourceType<KubeObject>;
}> = [
  { kind: 'Deployment', resource: deployments as ResourceType<KubeObject> },
  { kind: 'StatefulSet', resource: statefulSets as ResourceType<KubeObject> },
  { kind: 'Job', resource: jobs as ResourceType<KubeObject> },
  { kind: 'CronJob', resource: cronJobs as ResourceType<KubeObject> },
];

const filters = new Map<AgentWorkloadKind, (object: KubeObject) => boolean>(
  agentWorkloadKinds.map(({ kind }) => [
    kind,
    (object: KubeObject) => agentNameOf(kind, object as WorkloadObject) !== undefined,
  ]),
);

/** "The pod template carries the agent label", for one kind (the same function every time). */
export function isAgentWorkload(kind: AgentWorkloadKind): (object: KubeObject) => boolean {
  return filters.get(kind) as (object: KubeObject) => boolean;
}

/** The agents of a namespace (or all namespaces), from the workload caches. */
export function agentsInCaches(
  cache: <T extends KubeObject>(resource: ResourceType<T>) => ObjectCache<T>,
  namespace?: string,
): Map<string, Agent> {
  return discoverAgents(
    agentWorkloadKinds.map(({ kind, resource }) => ({
      kind,
      objects: cache(resource).list(namespace) as WorkloadObject[],
    })),
  );
}
