// Reading agent workloads from the runtime's caches: the four workload kinds with the kind each
// cache holds (listed objects carry no `kind`), and the filter every controller watching them
// shares (one function, so the informer set shares one informer per kind across all controllers).
import type { ObjectCache } from '../runtime/informer/object-store.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { cronJobs, deployments, jobs, statefulSets } from '../runtime/kube/resources.js';
import {
  type Agent,
  type AgentWorkloadKind,
  agentNameOf,
  discoverAgents,
  type WorkloadObject,
} from './agent-discovery.js';
import { isAgentWorkload as hasAgentLabel } from './workload-resources.js';

export const agentWorkloadKinds: ReadonlyArray<{
  kind: AgentWorkloadKind;
  resource: ResourceType<KubeObject>;
}> = [
  { kind: 'Deployment', resource: deployments as ResourceType<KubeObject> },
  { kind: 'StatefulSet', resource: statefulSets as ResourceType<KubeObject> },
  { kind: 'Job', resource: jobs as ResourceType<KubeObject> },
  { kind: 'CronJob', resource: cronJobs as ResourceType<KubeObject> },
];

/**
 * "The pod template carries the agent label", for one kind: the one function the TokenBudget and
 * AgentSLO controllers filter with too, so every controller shares one informer (one cache) per
 * workload kind. A workload with an empty agent label is cached but discovered as no agent.
 */
export function isAgentWorkload(_kind: AgentWorkloadKind): (object: KubeObject) => boolean {
  return hasAgentLabel;
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

/** One agent from the workload caches — only its own workloads are read into it — or undefined. */
export function agentInCaches(
  cache: <T extends KubeObject>(resource: ResourceType<T>) => ObjectCache<T>,
  namespace: string,
  name: string,
): Agent | undefined {
  return discoverAgents(
    agentWorkloadKinds.map(({ kind, resource }) => ({
      kind,
      objects: (cache(resource).list(namespace) as WorkloadObject[]).filter(
        (o) => agentNameOf(kind, o) === name,
      ),
    })),
  ).get(`${namespace}/${name}`);
}
