// Informers on the real API server for the resources the operator watches: the governor kinds,
// agent workloads (found by the label on their pod template), with a cache by namespace/name,
// add/update/delete handlers, resync, and readiness once the first list is in.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { isAgentWorkload } from '../../agents/agent-workload.js';
import { tokenBudgets } from '../../agents/governor-resources.js';
import { Informer } from '../../runtime/informer/informer.js';
import { InformerSet } from '../../runtime/informer/informer-set.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import {
  type CronJob,
  configMaps,
  cronJobs,
  type Deployment,
  deployments,
  namespaces,
} from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

function deployment(namespace: string, name: string, agent?: string): Deployment {
  const labels = { app: name, ...(agent ? { 'governor.agents.dev/agent': agent } : {}) };
  return {
    metadata: { namespace, name },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'agent', image: 'example.com/agent:1' }] },
      },
    },
  };
}

function recorder<T extends KubeObject>(informer: Informer<T>) {
  const seen: string[] = [];
  informer.on({
    add: (o) => seen.push(`add ${o.metadata?.name}`),
    update: (old, o) => seen.push(old === o ? `resync ${o.metadata?.name}` : `update ${o.metadata?.name}`),
    delete: (o) => seen.push(`delete ${o.metadata?.name}`),
  });
  return seen;
}

describe('informers on the real API server', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  let informers: InformerSet;
  const namespace = `informers-${randomBytes(3).toString('hex')}`;

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    await client.create(namespaces, { metadata: { name: namespace } });
    informers = new InformerSet(transport, { log });
  });

  after(async () => {
    await informers?.stop();
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  it('are ready only once their first list is in, and share one informer per selection', async () => {
    const budgets = informers.informer({ resource: tokenBudgets, namespace });
    assert.equal(informers.informer({ resource: tokenBudgets, namespace }), budgets);
    assert.notEqual(
      informers.informer({ resource: tokenBudgets }),
      budgets,
      'another namespace is another informer',
    );
    assert.equal(informers.allSynced(), false);
    assert.deepEqual(informers.unsynced().sort(), [
      'tokenbudgets.governor.agents.dev',
      `tokenbudgets.governor.agents.dev in ${namespace}`,
    ]);
    informers.start();
    await informers.waitForSync(AbortSignal.timeout(20_000));
    assert.equal(informers.allSynced(), true);
    assert.equal(budgets.hasSynced(), true);
  });

  it('follow a governor kind through create, update and delete', async () => {
    const budgets = informers.informer({ resource: tokenBudgets, namespace });
    const seen = recorder(budgets);
    await client.create(tokenBudgets, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'TokenBudget',
      metadata: { namespace, name: 'daily' },
      spec: {
        agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'support' } },
        period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
        limits: { tokens: 1000 },
      },
    } as never);
    await eventually('the budget in the cache', () => budgets.cache.get({ namespace, name: 'daily' }));
    await client.patch(
      tokenBudgets,
      { namespace, name: 'daily' },
      { type: 'merge', body: { spec: { limits: { tokens: 2000 } } } },
    );
    await eventually('the new limit in the cache', () =>
      budgets.cache.get(`${namespace}/daily`)?.spec.limits.tokens === 2000 ? true : undefined,
    );
    await client.delete(tokenBudgets, { namespace, name: 'daily' });
    await eventually('the delete', () => (seen.includes('delete daily') ? true : undefined));
    assert.deepEqual(seen, ['add daily', 'update daily', 'delete daily']);
    assert.equal(budgets.cache.size, 0);
  });

  it('cache only agent workloads, following the agent label on the pod template', async () => {
    const agents = informers.informer<Deployment>({
      resource: deployments,
      namespace,
      filter: isAgentWorkload,
    });
    const seen = recorder(agents);
    await client.create(deployments, deployment(namespace, 'support', 'support'));
    await client.create(deployments, deployment(namespace, 'web'));
    await eventually('the agent Deployment', () => agents.cache.get(`${namespace}/support`));
    // Becoming an agent is an add; ceasing to be one is a delete.
    await client.patch(
      deployments,
      { namespace, name: 'web' },
      {
        type: 'merge',
        body: { spec: { template: { metadata: { labels: { 'governor.agents.dev/agent': 'web' } } } } },
      },
    );
    await eventually('web to become an agent', () => agents.cache.get(`${namespace}/web`));
    await client.patch(
      deployments,
      { namespace, name: 'support' },
      {
        type: 'json',
        body: [{ op: 'remove', path: '/spec/template/metadata/labels/governor.agents.dev~1agent' }],
      },
    );
    await eventually('support to stop being an agent', () =>
      agents.cache.get(`${namespace}/support`) ? undefined : true,
    );
    // (The deployment controller's status writes arrive as updates in between.)
    assert.deepEqual(
      seen.filter((s) => !s.startsWith('update')),
      ['add support', 'add web', 'delete support'],
    );
    assert.equal(
      agents.cache.get(`${namespace}/web`)?.metadata?.managedFields,
      undefined,
      'managedFields are not kept',
    );
    assert.equal(agents.cache.get(`${namespace}/web`)?.kind, 'Deployment');

    const cronAgents = informers.informer<CronJob>({
      resource: cronJobs,
      namespace,
      filter: isAgentWorkload,
    });
    await cronAgents.waitForSync(AbortSignal.timeout(10_000));
    await client.create(cronJobs, {
      metadata: { namespace, name: 'nightly' },
      spec: {
        schedule: '0 2 * * *',
        jobTemplate: {
          spec: {
            template: {
              metadata: { labels: { 'governor.agents.dev/agent': 'report' } },
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'agent', image: 'example.com/report:1' }],
              },
            },
          },
        },
      },
    });
    await eventually('the agent CronJob', () => cronAgents.cache.get(`${namespace}/nightly`));
  });

  it('resync tells the handlers about every cached object again', async () => {
    await client.create(configMaps, { metadata: { namespace, name: 'steady', labels: { resync: 'yes' } } });
    const steady = new Informer(transport, {
      resource: configMaps,
      namespace,
      labelSelector: 'resync=yes',
      resyncMs: 300,
      log,
    });
    const seen = recorder(steady);
    steady.start();
    try {
      await steady.waitForSync(AbortSignal.timeout(10_000));
      const listed = steady.cache.get(`${namespace}/steady`);
      assert.deepEqual(
        [listed?.apiVersion, listed?.kind],
        ['v1', 'ConfigMap'],
        'listed objects carry their kind',
      );
      await eventually('two resyncs', () =>
        seen.filter((s) => s === 'resync steady').length >= 2 ? true : undefined,
      );
      assert.equal(seen.filter((s) => s.startsWith('update')).length, 0, 'nothing changed');
    } finally {
      await steady.stop();
    }
  });

  it('stop waiting for sync when asked, naming what it waited for', async () => {
    const unreachable = new Informer(
      new ApiTransport({ ...kubeconfigConnection(cluster.kubeconfig), server: 'https://127.0.0.1:1' }),
      { resource: configMaps, log },
    );
    unreachable.start();
    try {
      await assert.rejects(
        unreachable.waitForSync(AbortSignal.timeout(500)),
        /TimeoutError|timeout|aborted/i,
      );
      assert.equal(unreachable.hasSynced(), false);
    } finally {
      await unreachable.stop();
    }
  });
});
