import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_LABEL } from '../apis/group-version.js';
import type { AgentUsageLedger } from '../apis/usage-ledger.js';
import type { CacheReader } from '../runtime/controller/controller-definition.js';
import { ObjectStore } from '../runtime/informer/object-store.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import { cronJobs, deployments, jobs, statefulSets } from '../runtime/kube/resources.js';
import { tokenBudgets } from './governor-resources.js';
import { agentKeysSelectedBy } from './selected-agent-keys.js';
import { policiesSelectingLedger, policiesSelectingWorkload } from './selecting-policies.js';

const deployment = (namespace: string, name: string, labels: Record<string, string>): KubeObject =>
  ({
    metadata: { namespace, name, resourceVersion: '1' },
    spec: { template: { metadata: { labels: { [AGENT_LABEL]: name, ...labels } } } },
  }) as KubeObject;
const budget = (namespace: string, name: string, matchLabels: Record<string, string>): KubeObject =>
  ({
    metadata: { namespace, name, resourceVersion: '1' },
    spec: { agentSelector: { matchLabels } },
  }) as KubeObject;

/** Caches as the runtime's informers hold them. */
function caches(objects: { deployments: KubeObject[]; budgets: KubeObject[] }): CacheReader {
  const stores = new Map<string, ObjectStore<KubeObject>>();
  const fill = (plural: string, list: KubeObject[]) => {
    const store = new ObjectStore<KubeObject>();
    for (const object of list) store.upsert(object);
    stores.set(plural, store);
  };
  fill(deployments.plural, objects.deployments);
  fill(tokenBudgets.plural, objects.budgets);
  for (const r of [statefulSets, jobs, cronJobs]) fill(r.plural, []);
  return ((resource: { plural: string }) => stores.get(resource.plural)) as unknown as CacheReader;
}

const cache = caches({
  deployments: [
    deployment('a', 'writer', { team: 'marketing' }),
    deployment('a', 'support', { team: 'support' }),
    deployment('b', 'writer', { team: 'marketing' }),
  ],
  budgets: [
    budget('a', 'marketing-daily', { team: 'marketing' }),
    budget('a', 'support-daily', { team: 'support' }),
    budget('b', 'marketing-daily', { team: 'marketing' }),
  ],
});
const names = (keys: { namespace?: string; name: string }[]) =>
  keys.map((k) => `${k.namespace}/${k.name}`).sort();

describe('mapping a change to the keys it concerns, not the whole namespace', () => {
  it('a workload maps to the budgets of its namespace whose selector matches it', () => {
    const keys = policiesSelectingWorkload(
      deployment('a', 'writer', { team: 'marketing' }),
      tokenBudgets,
      cache,
    );
    assert.deepEqual(names(keys), ['a/marketing-daily']);
  });

  it('a ledger maps to the budgets selecting its agent, by any of its workloads', () => {
    const ledger = {
      metadata: { namespace: 'a', name: 'support' },
      spec: { agent: 'support' },
    } as AgentUsageLedger;
    assert.deepEqual(names(policiesSelectingLedger(ledger, tokenBudgets, cache)), ['a/support-daily']);
    const stray = { metadata: { namespace: 'a', name: 'gone' }, spec: { agent: 'gone' } } as AgentUsageLedger;
    assert.deepEqual(
      policiesSelectingLedger(stray, tokenBudgets, cache),
      [],
      'an agent without workloads: none',
    );
  });

  it('a budget, route or SLO maps to the agents its selector matches in its namespace', () => {
    assert.deepEqual(names(agentKeysSelectedBy(budget('a', 'x', { team: 'marketing' }), cache)), [
      'a/writer',
    ]);
    assert.deepEqual(names(agentKeysSelectedBy(budget('a', 'all', {}), cache)), ['a/support', 'a/writer']);
    assert.deepEqual(agentKeysSelectedBy(budget('c', 'x', {}), cache), [], 'another namespace: none');
  });
});
