// Informers against a control plane of this test's own (it is broken on purpose): a watch dropped
// by the network, a crashed and restarted API server, and a resourceVersion that etcd compacted
// away (410 Gone) are all survived with no missed change — the cache ends equal to the server's
// state and the handlers are told about every create, update and delete made while disconnected.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { type ClusterInfo, clusterDown, clusterUp } from '../../local-cluster/cluster.js';
import { Informer, type RestartReason } from '../../runtime/informer/informer.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { type ConfigMap, configMaps } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { startTcpRelay, type TcpRelay } from '../../testing/tcp-relay.js';
import { compactEtcd, restartApiServer } from './api-server-restart.js';

const namespace = 'recovery';
const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

describe('informer recovery on a control plane of its own', { timeout: 300_000 }, () => {
  let dir: string;
  let cluster: ClusterInfo;
  let cutter: TcpRelay;
  let admin: KubeClient;
  let adminTransport: ApiTransport;
  let informerTransport: ApiTransport;
  let informer: Informer<ConfigMap>;
  const restarts: RestartReason[] = [];
  const seen: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-recovery-'));
    cluster = await clusterUp({ dir, ownerPid: process.pid, removeDirWithOwner: true });
    const connection = kubeconfigConnection(cluster.kubeconfig);
    adminTransport = new ApiTransport(connection);
    admin = createKubeClient(adminTransport);
    await admin.create(
      { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
      {
        metadata: { name: namespace },
      },
    );
    cutter = await startTcpRelay([cluster.server]);
    informerTransport = new ApiTransport({ ...connection, server: cutter.url });
    informer = new Informer(informerTransport, {
      resource: configMaps,
      namespace,
      labelSelector: 'test=recovery',
      log,
      // Short retries keep the test quick; the production policy is tested in backoff.test.ts.
      backoff: { initialMs: 200, maxMs: 2_000, factor: 2, jitter: 0.2 },
      onRestart: (reason) => restarts.push(reason),
    });
    informer.on({
      add: (cm) => seen.push(`add ${cm.metadata?.name} ${cm.data?.['v'] ?? ''}`),
      update: (_old, cm) => seen.push(`update ${cm.metadata?.name} ${cm.data?.['v'] ?? ''}`),
      delete: (cm) => seen.push(`delete ${cm.metadata?.name}`),
    });
    informer.start();
    await informer.waitForSync(AbortSignal.timeout(30_000));
  });

  after(async () => {
    await informer?.stop();
    await informerTransport?.close();
    await adminTransport?.close();
    await cutter?.close();
    if (dir) {
      await clusterDown({ dir });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const create = (name: string, v: string) =>
    admin.create(configMaps, { metadata: { namespace, name, labels: { test: 'recovery' } }, data: { v } });
  const change = (name: string, v: string) =>
    admin.patch(configMaps, { namespace, name }, { type: 'merge', body: { data: { v } } });
  const remove = (name: string) => admin.delete(configMaps, { namespace, name });

  /** The informer's cache equals the server's list, name for name and version for version. */
  async function cacheMatchesServer(): Promise<true | undefined> {
    const server = await admin.list(configMaps, { namespace, labelSelector: 'test=recovery' });
    const expected = server.map((cm) => `${cm.metadata?.name}@${cm.metadata?.resourceVersion}`).sort();
    const cached = informer.cache
      .list()
      .map((cm) => `${cm.metadata?.name}@${cm.metadata?.resourceVersion}`)
      .sort();
    return JSON.stringify(expected) === JSON.stringify(cached) ? true : undefined;
  }

  it('sees creates, updates and deletes', async () => {
    await create('a', '1');
    await create('b', '1');
    await change('a', '2');
    await remove('b');
    await eventually('the informer to see all four changes', () =>
      seen.includes('delete b') ? true : undefined,
    );
    assert.deepEqual(seen, ['add a 1', 'add b 1', 'update a 2', 'delete b']);
    assert.equal(informer.cache.get({ namespace, name: 'a' })?.data?.['v'], '2');
    assert.equal(await cacheMatchesServer(), true);
  });

  it('misses nothing while the network to the API server is down', async () => {
    seen.length = 0;
    const errorsBefore = restarts.filter((r) => r === 'error').length;
    cutter.cut();
    await create('c', '1');
    await change('a', '3');
    await remove('a');
    await create('d', '1');
    cutter.restore();
    await eventually('the cache to catch up', cacheMatchesServer, { timeoutMs: 60_000 });
    assert.deepEqual(seen, ['add c 1', 'update a 3', 'delete a', 'add d 1']);
    assert.ok(
      restarts.filter((r) => r === 'error').length > errorsBefore,
      'the dropped watch counted as a restart',
    );
  });

  it('survives a crash and restart of the API server', async () => {
    seen.length = 0;
    const errorsBefore = restarts.filter((r) => r === 'error').length;
    // Restarted without the watch cache, so the next test's compacted resourceVersion reaches etcd.
    await restartApiServer(dir, ['--watch-cache=false']);
    await create('e', '1');
    await change('c', '2');
    await eventually('the cache to catch up after the restart', cacheMatchesServer, { timeoutMs: 60_000 });
    assert.deepEqual(seen, ['add e 1', 'update c 2']);
    assert.ok(restarts.filter((r) => r === 'error').length > errorsBefore);
  });

  it('relists after 410 Gone and reports what the lost history held', async () => {
    seen.length = 0;
    cutter.cut();
    await create('f', '1');
    await change('d', '2');
    await remove('e');
    // Compacting etcd now makes the informer's resourceVersion unreachable: its watch gets 410.
    await compactEtcd(dir);
    cutter.restore();
    await eventually('the informer to relist', () => (restarts.includes('expired') ? true : undefined), {
      timeoutMs: 60_000,
    });
    await eventually('the cache to match the server after the relist', cacheMatchesServer, {
      timeoutMs: 30_000,
    });
    assert.deepEqual(seen.sort(), ['add f 1', 'delete e', 'update d 2']);
    assert.deepEqual(
      informer.cache
        .list()
        .map((cm) => cm.metadata?.name)
        .sort(),
      ['c', 'd', 'f'],
    );
  });
});
