// A services replica (`agent-governor services`, docs/adr/0061) publishes nothing: its store follows
// the ConfigMap mirrors `governor-policy-<agent>` the leader writes (ADR 0031), through an informer.
// A mirror added or changed is restored into the store — taken only when its version is newer, so a
// watch that replays an old state never moves a policy back — and wakes the agent's long-polls; a
// mirror deleted removes the agent's policy. A mirror that is not a valid policy is reported once
// per resourceVersion and changes nothing. Each version taken from a change (not from the list at
// start) is told to `onArrival` with when it came (before its fan-out), so the replica can say how
// long after its publish it came.

import { policyInConfigMap } from '../agents/policy-config-map.js';
import { AGENT_LABEL } from '../apis/group-version.js';
import type { ConfigMap } from '../runtime/kube/resources.js';
import type { PolicyStore, StoredPolicy } from './policy-store.js';

/** What the follower needs of an informer of the mirrors (runtime/informer/informer.ts). */
export interface MirrorSource {
  on(handlers: {
    add?(object: ConfigMap): void;
    update?(old: ConfigMap, object: ConfigMap): void;
    delete?(object: ConfigMap): void;
  }): () => void;
  cache: { list(): ConfigMap[] };
}

/** Fills `store` from the mirrors in `source` now and on every change; returns the unsubscribe. */
export function followPolicyMirrors(
  source: MirrorSource,
  store: PolicyStore,
  onProblem: (problem: string) => void,
  onArrival?: (policy: StoredPolicy, arrivedAtMs: number) => void,
  now: () => number = Date.now,
): () => void {
  const reported = new Set<string>();
  const take = (configMap: ConfigMap, listed = false) => {
    const mirrored = policyInConfigMap(configMap);
    if (mirrored.ok) {
      // The time it came, before the store wakes the agent's polls and streams with it.
      const arrivedAtMs = now();
      if (!store.restore(mirrored.policy) || listed) return;
      const taken = store.get(mirrored.policy.agent.namespace, mirrored.policy.agent.name);
      if (taken) onArrival?.(taken, arrivedAtMs);
      return;
    }
    const key = `${configMap.metadata?.uid ?? ''}@${configMap.metadata?.resourceVersion ?? ''}`;
    if (reported.has(key)) return;
    if (reported.size >= 1_000) reported.clear();
    reported.add(key);
    onProblem(mirrored.problem);
  };
  const unsubscribe = source.on({
    add: (configMap) => take(configMap),
    update: (_old, configMap) => take(configMap),
    delete: (configMap) => {
      const namespace = configMap.metadata?.namespace;
      const agent = configMap.metadata?.labels?.[AGENT_LABEL];
      if (namespace && agent) store.remove(namespace, agent);
    },
  });
  for (const configMap of source.cache.list()) take(configMap, true);
  return unsubscribe;
}
