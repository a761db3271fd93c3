// Reading agent workloads from the runtime's caches: the four workload kinds with the kind each
// cache holds (listed objects carry no `kind`). Watches filter with agent-workload.ts's
// `isAgentWorkload`, so the informer set shares one informer per kind across all controllers.
import type { ObjectCache } from '../runtime/informer/object-store.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { type Agent, discoverAgents, type WorkloadObject } from './agent-discovery.js';
import { agentNameOf, WORKLOAD_KINDS, type WorkloadKind, workloadResources } from './agent-workload.js';

export const agentWorkloadKinds: ReadonlyArray<{
  kind: WorkloadKind;
  resource: ResourceType<KubeObject>;
}> = WORKLOAD_KINDS.map((kind) => ({ kind, resource: workloadResources[kind] }));

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

/** One agent from the workload caches — only its own workloads are read into it — or undefined. */
export function agentInCaches(
  cache: <T extends KubeObject>(resource: ResourceType<T>) => ObjectCache<T>,
  namespace: string,
  name: string,
): Agent | undefined {
  return discoverAgents(
    agentWorkloadKinds.map(({ kind, resource }) => ({
      kind,
      objects: (cache(resource).list(namespace) as WorkloadObject[]).filter((o) => agentNameOf(o) === name),
    })),
  ).get(`${namespace}/${name}`);
}
