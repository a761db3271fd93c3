// The agents a change to a namespaced policy (FallbackRoute, TokenBudget, AgentSLO) concerns: those
// of its namespace with a workload its agentSelector matches, read from the workload caches. A
// deleted or deleting policy maps by its last selector, so its agents are compiled without it; on
// an update the runtime maps the old object too, so agents a selector edit drops are compiled again.
// Narrower than "every agent of the namespace": a budget's status write at each usage report would
// otherwise recompile a whole namespace.
import { AGENT_LABEL } from '../apis/group-version.js';
import { matchesSelector } from '../apis/label-selector-match.js';
import type { CacheReader } from '../runtime/controller/controller-definition.js';
import type { ObjectKey } from '../runtime/kube/kube-object.js';
import { agentWorkloadOf, type WorkloadObject } from './agent-discovery.js';
import { agentWorkloadKinds } from './agent-workload-watches.js';

export interface SelectingPolicy {
  metadata?: { namespace?: string };
  spec?: { agentSelector?: unknown };
}

export function agentKeysSelectedBy(policy: SelectingPolicy, cache: CacheReader): ObjectKey[] {
  const namespace = policy.metadata?.namespace;
  if (!namespace) return [];
  const selector = policy.spec?.agentSelector as Parameters<typeof matchesSelector>[0];
  const agents = new Set<string>();
  for (const { kind, resource } of agentWorkloadKinds) {
    for (const object of cache(resource).list(namespace)) {
      const workload = agentWorkloadOf(kind, object as WorkloadObject);
      if (workload && matchesSelector(selector, workload.labels)) {
        agents.add(workload.labels[AGENT_LABEL] as string);
      }
    }
  }
  return [...agents].map((name) => ({ namespace, name }));
}
