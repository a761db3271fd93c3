// Controllers on the real API server, run by the operator runtime in this process: reconcile
// results decide what happens next (retry with backoff, terminal, requeue after), a key is never
// worked on twice at once and changes arriving meanwhile are folded into one more run, concurrency
// is bounded, repeated Events aggregate into a series, and a leader whose lease is taken stops
// writing at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { defineController, watch } from '../../runtime/controller/controller-definition.js';
import { done, requeueAfter, retry, terminal } from '../../runtime/controller/reconcile-result.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { formatKey } from '../../runtime/kube/kube-object.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { microTime } from '../../runtime/kube/micro-time.js';
import { configMaps, events, leases, namespaces } from '../../runtime/kube/resources.js';
import { type Operator, startOperator } from '../../runtime/manager/operator-runtime.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

describe('controllers run by the operator runtime', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  let operator: Operator;
  const namespace = `runtime-${randomBytes(3).toString('hex')}`;
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });

  const behaviour = defineController({
    name: 'behaviour',
    watches: [watch({ resource: configMaps, namespace, labelSelector: 'test=behaviour' })],
    concurrency: 2,
    async reconcile(key, context) {
      const name = formatKey(key);
      const attempt = (attempts.get(name) ?? 0) + 1;
      attempts.set(name, attempt);
      const configMap = context.cache(configMaps).get(key);
      // Level-triggered and idempotent: once the annotation is there, there is nothing to do.
      if (!configMap || configMap.metadata?.annotations?.['reconciled-on-attempt']) return done;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const mode = configMap.data?.['mode'];
        if (mode === 'slow') await sleep(400);
        if (mode === 'gated') {
          await gate;
          return done; // writes nothing: every run of it is caused by a change the test made
        }
        if (mode === 'fail-twice' && attempt <= 2)
          return retry(new Error(`attempt ${attempt} fails on purpose`));
        if (mode === 'terminal') return terminal(`data.mode of ${name} asks for a terminal error`);
        if (mode === 'requeue') {
          context.events.normal(configMap, 'Requeued', `attempt ${attempt}`, 'Reconcile');
          if (attempt < 4) return requeueAfter(200);
        }
        await context.client.patch(configMaps, key, {
          type: 'merge',
          body: { metadata: { annotations: { 'reconciled-on-attempt': String(attempt) } } },
        });
        return done;
      } finally {
        inFlight--;
      }
    },
  });

  before(async () => {
    cluster = await testCluster();
    const connection = kubeconfigConnection(cluster.kubeconfig);
    transport = new ApiTransport(connection);
    client = createKubeClient(transport);
    await client.create(namespaces, { metadata: { name: namespace } });
    operator = await startOperator({
      connection,
      namespace,
      identity: 'runtime-test',
      controllers: [behaviour],
      leaderElection: false,
      metrics: { host: '127.0.0.1', port: 0 },
      health: false,
      log,
    });
  });

  after(async () => {
    await operator?.stop();
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  const create = (name: string, mode: string) =>
    client.create(configMaps, {
      metadata: { namespace, name, labels: { test: 'behaviour' } },
      data: { mode },
    });
  const reconciledOn = (name: string) =>
    eventually(`${name} to be reconciled`, async () => {
      const configMap = await client.get(configMaps, { namespace, name });
      return configMap?.metadata?.annotations?.['reconciled-on-attempt'];
    });
  const metrics = async () => (await fetch(`${operator.metricsUrl}/metrics`)).text();

  it('retries a failed reconcile with backoff until it succeeds', async () => {
    await create('flaky', 'fail-twice');
    assert.equal(await reconciledOn('flaky'), '3');
    const text = await metrics();
    assert.ok(
      metricValue(text, 'governor_operator_reconciles_total', { controller: 'behaviour', result: 'error' }) >=
        2,
    );
    assert.ok(
      metricValue(text, 'governor_operator_reconcile_errors_total', {
        controller: 'behaviour',
        kind: 'retry',
      }) >= 2,
    );
  });

  it('does not retry a terminal error until the object changes', async () => {
    await create('broken', 'terminal');
    await eventually('the first attempt', () => attempts.get(`${namespace}/broken`));
    await sleep(1_500);
    assert.equal(attempts.get(`${namespace}/broken`), 1, 'a terminal error is not retried');
    const text = await metrics();
    assert.equal(
      metricValue(text, 'governor_operator_reconcile_errors_total', {
        controller: 'behaviour',
        kind: 'terminal',
      }),
      1,
    );
    await client.patch(
      configMaps,
      { namespace, name: 'broken' },
      { type: 'merge', body: { data: { mode: 'fixed' } } },
    );
    assert.equal(await reconciledOn('broken'), '2');
  });

  it('comes back after requeueAfter without any change, and aggregates repeated Events', async () => {
    await create('periodic', 'requeue');
    assert.equal(await reconciledOn('periodic'), '4');
    const requeued = await eventually('the Requeued event series to reach 4', async () => {
      const found = (await client.list(events, { namespace })).filter(
        (event) => event.reason === 'Requeued' && event.regarding?.name === 'periodic',
      );
      return found.length === 1 && found[0]?.series?.count === 4 ? found : undefined;
    });
    assert.equal(requeued[0]?.reportingController, 'governor.agents.dev/behaviour');
    assert.equal(requeued[0]?.reportingInstance, 'runtime-test');
    assert.equal(
      requeued[0]?.note,
      'attempt 1',
      'a series keeps its first note (the API makes it immutable)',
    );
  });

  it('folds changes made during a reconcile into exactly one more run', async () => {
    await create('busy', 'gated');
    await eventually('the first run to start', () => attempts.get(`${namespace}/busy`));
    for (let i = 0; i < 5; i++) {
      await client.patch(
        configMaps,
        { namespace, name: 'busy' },
        { type: 'merge', body: { data: { n: String(i) } } },
      );
    }
    // The controller's informer (shared, so the same one) has delivered all five changes.
    const cache = operator.informers.informer({
      resource: configMaps,
      namespace,
      labelSelector: 'test=behaviour',
    }).cache;
    await eventually('the five changes to arrive', () =>
      cache.get(`${namespace}/busy`)?.data?.['n'] === '4' ? true : undefined,
    );
    assert.equal(attempts.get(`${namespace}/busy`), 1, 'no second run while the first is busy');
    openGate();
    await eventually('the second run', () => (attempts.get(`${namespace}/busy`) === 2 ? true : undefined));
    await sleep(1_500);
    assert.equal(
      attempts.get(`${namespace}/busy`),
      2,
      'five changes during the first run caused one more run',
    );
  });

  it('never runs more reconciles at once than its concurrency', async () => {
    maxInFlight = 0;
    await Promise.all(Array.from({ length: 6 }, (_, i) => create(`slow-${i}`, 'slow')));
    for (let i = 0; i < 6; i++) await reconciledOn(`slow-${i}`);
    assert.equal(maxInFlight, 2);
  });
});

describe('a leader whose lease is taken', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  let operator: Operator;
  const namespace = `steal-${randomBytes(3).toString('hex')}`;
  let reconcileStarted = false;
  let writeError: string | undefined;

  before(async () => {
    cluster = await testCluster();
    const connection = kubeconfigConnection(cluster.kubeconfig);
    transport = new ApiTransport(connection);
    client = createKubeClient(transport);
    await client.create(namespaces, { metadata: { name: namespace } });
    operator = await startOperator({
      connection,
      namespace,
      identity: 'victim',
      controllers: [
        defineController({
          name: 'slow-writer',
          watches: [watch({ resource: configMaps, namespace, labelSelector: 'test=steal' })],
          async reconcile(key, context) {
            reconcileStarted = true;
            await sleep(6_000);
            try {
              await context.client.patch(configMaps, key, {
                type: 'merge',
                body: { metadata: { annotations: { written: 'after-losing-the-lease' } } },
              });
            } catch (err) {
              writeError = (err as Error).message;
              throw err;
            }
            return done;
          },
        }),
      ],
      leaderElection: { leaseName: 'steal-me' },
      metrics: { host: '127.0.0.1', port: 0 },
      health: false,
      log,
    });
  });

  after(async () => {
    await operator?.stop();
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  it('stops acting at once: its running reconcile cannot write any more', async () => {
    await eventually('the operator to lead', () => (operator.isLeader() ? true : undefined), {
      timeoutMs: 20_000,
    });
    await client.create(configMaps, { metadata: { namespace, name: 'target', labels: { test: 'steal' } } });
    await eventually('the reconcile to start', () => (reconcileStarted ? true : undefined));
    // Someone else takes the Lease (as a standby would after a network partition).
    const lease = await client.get(leases, { namespace, name: 'steal-me' });
    assert.ok(lease?.spec);
    await client.update(leases, {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: 'thief',
        renewTime: microTime(Date.now()),
        leaseDurationSeconds: 60,
      },
    });
    await eventually('the victim to stop leading', () => (operator.isLeader() ? undefined : true), {
      timeoutMs: 10_000,
    });
    const text = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    assert.equal(metricValue(text, 'governor_operator_leader'), 0);
    await eventually('the reconcile to try its write', () => writeError, { timeoutMs: 10_000 });
    assert.match(writeError ?? '', /leadership ended: the lease .*steal-me is now held by thief/);
    const target = await client.get(configMaps, { namespace, name: 'target' });
    assert.equal(target?.metadata?.annotations?.['written'], undefined, 'nothing was written after the loss');
  });
});
