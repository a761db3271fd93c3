import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_LABEL } from '../apis/group-version.js';
import type { CacheReader } from '../runtime/controller/controller-definition.js';
import { ObjectStore } from '../runtime/informer/object-store.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { deployments } from '../runtime/kube/resources.js';
import { workloadResources } from './agent-workload.js';
import { agentSLOs, agentUsageLedgers, tokenBudgets } from './governor-resources.js';
import { selectedAgentWatches } from './selected-agent-watches.js';
import type { SelectingPolicy } from './selecting-policies.js';

const writer = {
  metadata: { namespace: 'a', name: 'writer', resourceVersion: '1' },
  spec: { template: { metadata: { labels: { [AGENT_LABEL]: 'writer', team: 'marketing' } } } },
} as KubeObject;
const selecting = (name: string, team: string): KubeObject =>
  ({
    metadata: { namespace: 'a', name, resourceVersion: '1' },
    spec: { agentSelector: { matchLabels: { team } } },
  }) as KubeObject;

/** A budget and an SLO select the writer; another SLO selects nobody. Empty caches elsewhere. */
const cache = ((resource: ResourceType) => {
  const store = new ObjectStore<KubeObject>();
  const contents: Record<string, KubeObject[]> = {
    [deployments.plural]: [writer],
    [tokenBudgets.plural]: [selecting('writer-daily', 'marketing')],
    [agentSLOs.plural]: [selecting('writer-latency', 'marketing'), selecting('support', 'support')],
  };
  for (const object of contents[resource.plural] ?? []) store.upsert(object);
  return store;
}) as unknown as CacheReader;

const keysOf = (policies: ResourceType<SelectingPolicy>, resource: ResourceType, object: KubeObject) => {
  const entry = selectedAgentWatches(policies).find((w) => w.resource === resource);
  assert.ok(entry, `a watch on ${resource.plural}`);
  return (entry.mapToKeys?.(object, cache) ?? []).map((k) => `${k.namespace}/${k.name}`);
};

describe('selectedAgentWatches: what requeues a policy that selects agents', () => {
  it('watches the four agent workload kinds (agent label only) and the usage ledgers', () => {
    const watches = selectedAgentWatches(tokenBudgets);
    assert.deepEqual(
      watches.map((w) => w.resource.plural),
      [...Object.values(workloadResources).map((r) => r.plural), agentUsageLedgers.plural],
    );
    const unlabelled = { metadata: { namespace: 'a', name: 'web' }, spec: { template: {} } } as KubeObject;
    for (const w of watches.slice(0, 4)) {
      assert.equal(w.filter?.(writer), true, `${w.resource.plural}: an agent workload passes`);
      assert.equal(w.filter?.(unlabelled), false, `${w.resource.plural}: a plain workload is not cached`);
    }
  });

  it('maps a workload or ledger change to the selecting policies of the kind asked for', () => {
    const ledger = { metadata: { namespace: 'a', name: 'writer' }, spec: { agent: 'writer' } } as KubeObject;
    assert.deepEqual(keysOf(tokenBudgets, deployments, writer), ['a/writer-daily']);
    assert.deepEqual(keysOf(agentSLOs, deployments, writer), ['a/writer-latency']);
    assert.deepEqual(keysOf(tokenBudgets, agentUsageLedgers, ledger), ['a/writer-daily']);
    assert.deepEqual(keysOf(agentSLOs, agentUsageLedgers, ledger), ['a/writer-latency']);
  });
});
