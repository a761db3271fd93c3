// Two operator processes with leader election against the real API server: only the leader acts;
// when it is killed (SIGKILL) the standby takes over once the lease expires (~15 s) and carries on;
// when the leader shuts down gracefully it releases the Lease and the standby takes over at once.
// A check without leader election shows that double action would be caught.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { configMaps, leases, namespaces } from '../../runtime/kube/resources.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { type OperatorProcess, scrape, startOperatorProcess } from './operator-process.js';
import { stampPrefix } from './stamp-controller.js';

describe('leader election between two operator processes', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  const namespace = `leader-${randomBytes(3).toString('hex')}`;
  const running: OperatorProcess[] = [];
  let created = 0;

  before(async () => {
    cluster = await testCluster();
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    await client.create(namespaces, { metadata: { name: namespace } });
  });

  after(async () => {
    for (const operator of running) operator.child.kill('SIGKILL');
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  const start = async (identity: string, extra: string[] = []) => {
    const operator = await startOperatorProcess(cluster.kubeconfig, namespace, identity, extra);
    running.push(operator);
    return operator;
  };
  const holder = async () =>
    (await client.get(leases, { namespace, name: 'stamp-leader' }))?.spec?.holderIdentity;
  const leaderGauge = async (operator: OperatorProcess) =>
    metricValue(await scrape(operator.metricsUrl), 'governor_operator_leader');
  const createWanted = async () => {
    const name = `wanted-${++created}`;
    await client.create(configMaps, { metadata: { namespace, name, labels: { stamp: 'wanted' } } });
    return name;
  };
  const stampsOf = async (name: string) => {
    const configMap = await client.get(configMaps, { namespace, name });
    return Object.keys(configMap?.metadata?.annotations ?? {})
      .filter((k) => k.startsWith(stampPrefix))
      .map((k) => k.slice(stampPrefix.length));
  };
  const stampedBy = (name: string, timeoutMs = 15_000) =>
    eventually(
      `${name} to be stamped`,
      async () => {
        const stamps = await stampsOf(name);
        return stamps.length > 0 ? stamps : undefined;
      },
      { timeoutMs },
    );

  let first: OperatorProcess;
  let second: OperatorProcess;

  it('lets exactly one of two processes lead and act', async () => {
    first = await start('first');
    await eventually('first to lead', async () => ((await holder()) === 'first' ? true : undefined));
    second = await start('second');
    await eventually('second to be ready as a standby', async () => {
      const ready = await fetch(`${second.healthUrl}/readyz`);
      return ready.status === 200 ? true : undefined;
    });
    const names = [await createWanted(), await createWanted(), await createWanted()];
    for (const name of names) assert.deepEqual(await stampedBy(name), ['first']);
    await sleep(1_000);
    for (const name of names) assert.deepEqual(await stampsOf(name), ['first'], `${name} was stamped once`);
    assert.equal(await leaderGauge(first), 1);
    assert.equal(await leaderGauge(second), 0);
    const secondMetrics = await scrape(second.metricsUrl);
    assert.equal(
      metricValue(secondMetrics, 'governor_operator_reconciles_total', { controller: 'stamp' }),
      0,
    );
    assert.ok(
      metricValue(await scrape(first.metricsUrl), 'governor_operator_reconciles_total', {
        controller: 'stamp',
      }) >= 3,
    );
  });

  it('hands over to the standby about 15 s after the leader is killed', async () => {
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    const pending = await createWanted();
    await eventually(
      'second to take the lease',
      async () => ((await holder()) === 'second' ? true : undefined),
      {
        timeoutMs: 40_000,
        intervalMs: 200,
      },
    );
    const takeoverMs = Date.now() - killedAt;
    // Not before the lease (15 s, counted from the last renewal seen) expired; not much after.
    assert.ok(takeoverMs >= 11_000, `the standby took over after only ${takeoverMs} ms`);
    assert.ok(takeoverMs <= 25_000, `the standby took ${takeoverMs} ms to take over`);
    assert.deepEqual(await stampedBy(pending), ['second'], 'the work left by the dead leader is done');
    assert.deepEqual(await stampedBy(await createWanted()), ['second']);
    assert.equal(await leaderGauge(second), 1);
  });

  it('hands over at once when the leader shuts down gracefully', async () => {
    const third = await start('third');
    await eventually('third to be ready as a standby', async () => {
      const ready = await fetch(`${third.healthUrl}/readyz`);
      return ready.status === 200 ? true : undefined;
    });
    const stoppedAt = Date.now();
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, `second did not exit cleanly:\n${second.log()}`);
    await eventually(
      'third to take the lease',
      async () => ((await holder()) === 'third' ? true : undefined),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    const handoverMs = Date.now() - stoppedAt;
    assert.ok(handoverMs < 5_000, `the graceful handover took ${handoverMs} ms`);
    assert.match(second.log(), /released the lease/);
    assert.deepEqual(await stampedBy(await createWanted()), ['third']);
    for (let i = 1; i <= created; i++) {
      assert.equal((await stampsOf(`wanted-${i}`)).length, 1, `wanted-${i} was stamped exactly once`);
    }
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0);
  });

  it('would catch double action: without leader election both processes act', async () => {
    const solo = [await start('solo-a', ['--no-leader-elect']), await start('solo-b', ['--no-leader-elect'])];
    for (const operator of solo) {
      await eventually(`${operator.identity} to be ready`, async () => {
        const ready = await fetch(`${operator.healthUrl}/readyz`);
        return ready.status === 200 && (await leaderGauge(operator)) === 1 ? true : undefined;
      });
    }
    const names = await Promise.all(Array.from({ length: 5 }, () => createWanted()));
    await eventually('both processes to stamp', async () => {
      const stamps = (await Promise.all(names.map(stampsOf))).flat();
      return stamps.includes('solo-a') && stamps.includes('solo-b') ? true : undefined;
    });
    for (const operator of solo) operator.child.kill('SIGTERM');
    await Promise.all(solo.map((operator) => operator.exited));
  });
});
