// The client layer reconcilers write through, against the real API server: every verb, the status
// subresource, optimistic concurrency, server-side apply, paged lists, errors that name the request,
// and a client bound to a signal that refuses to act once it fires.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { tokenBudgets } from '../../agents/governor-resources.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../runtime/kube/api-error.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { type ConfigMap, configMaps, namespaces } from '../../runtime/kube/resources.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

describe('the kube client on the real API server', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  const namespace = `client-${randomBytes(3).toString('hex')}`;

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport, { fieldManager: 'client-test' });
    await client.create(namespaces, { metadata: { name: namespace } });
  });

  after(async () => {
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  it('creates, reads, patches and deletes, answering undefined / false for what is not there', async () => {
    const created = await client.create(configMaps, {
      metadata: { namespace, name: 'one' },
      data: { a: '1' },
    });
    assert.equal(created.kind, 'ConfigMap');
    assert.ok(created.metadata?.uid);
    assert.equal((await client.get(configMaps, { namespace, name: 'one' }))?.data?.['a'], '1');
    assert.equal(await client.get(configMaps, { namespace, name: 'none' }), undefined);
    const merged = await client.patch(
      configMaps,
      { namespace, name: 'one' },
      { type: 'merge', body: { data: { b: '2' } } },
    );
    assert.deepEqual(merged.data, { a: '1', b: '2' });
    const patched = await client.patch(
      configMaps,
      { namespace, name: 'one' },
      {
        type: 'json',
        body: [{ op: 'remove', path: '/data/a' }],
      },
    );
    assert.deepEqual(patched.data, { b: '2' });
    assert.equal(await client.delete(configMaps, { namespace, name: 'one' }), true);
    assert.equal(await client.delete(configMaps, { namespace, name: 'one' }), false);
  });

  it('refuses a stale update with a Conflict, and a duplicate create with AlreadyExists', async () => {
    const first = await client.create(configMaps, {
      metadata: { namespace, name: 'contended' },
      data: { v: '1' },
    });
    await client.update(configMaps, { ...first, data: { v: '2' } });
    const stale = client.update(configMaps, { ...first, data: { v: '3' } });
    await assert.rejects(stale, (err: Error) => {
      assert.ok(isConflict(err));
      assert.match(err.message, new RegExp(`^update configmaps ${namespace}/contended: 409 Conflict: `));
      return true;
    });
    await assert.rejects(
      client.create(configMaps, { metadata: { namespace, name: 'contended' } }),
      (err: Error) => isAlreadyExists(err),
    );
    assert.equal((await client.get(configMaps, { namespace, name: 'contended' }))?.data?.['v'], '2');
  });

  it('writes status only through the status subresource', async () => {
    await client.create(tokenBudgets, {
      metadata: { namespace, name: 'daily' },
      spec: {
        agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'support' } },
        period: { reset: 'Daily', timeZone: 'UTC' },
        limits: { tokens: 1000 },
      },
    } as never);
    const withStatus = await client.patchStatus(
      tokenBudgets,
      { namespace, name: 'daily' },
      {
        type: 'merge',
        body: { status: { phase: 'Warning', percent: 80 } },
      },
    );
    assert.equal(withStatus.status?.phase, 'Warning');
    // A status change through the main resource is ignored by the API server.
    const ignored = await client.patch(
      tokenBudgets,
      { namespace, name: 'daily' },
      {
        type: 'merge',
        body: { status: { phase: 'Exhausted' } },
      },
    );
    assert.equal(ignored.status?.phase, 'Warning');
    const current = await client.get(tokenBudgets, { namespace, name: 'daily' });
    assert.ok(current);
    const updated = await client.updateStatus(tokenBudgets, {
      ...current,
      status: { ...current.status, percent: 90 },
    });
    assert.equal(updated.status?.percent, 90);
    await assert.rejects(
      client.patchStatus(
        tokenBudgets,
        { namespace, name: 'daily' },
        { type: 'merge', body: { status: { phase: 'Bogus' } } },
      ),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(
            `patch status of tokenbudgets.governor.agents.dev ${namespace}/daily: 422 Invalid: .*status.phase`,
          ),
        );
        return true;
      },
    );
  });

  it('applies server-side as its field manager', async () => {
    const applied = await client.patch(
      configMaps,
      { namespace, name: 'applied' },
      {
        type: 'apply',
        body: { metadata: { namespace, name: 'applied' }, data: { owned: 'yes' } },
      },
    );
    assert.equal(applied.data?.['owned'], 'yes');
    assert.ok(
      applied.metadata?.managedFields?.some((f) => (f as { manager?: string }).manager === 'client-test'),
    );
  });

  it('lists past one page (500) of objects', async () => {
    const items: ConfigMap[] = Array.from({ length: 520 }, (_, i) => ({
      metadata: { namespace, name: `bulk-${i}`, labels: { bulk: 'yes' } },
    }));
    for (let i = 0; i < items.length; i += 40) {
      await Promise.all(items.slice(i, i + 40).map((item) => client.create(configMaps, item)));
    }
    const listed = await client.list(configMaps, { namespace, labelSelector: 'bulk=yes' });
    assert.equal(listed.length, 520);
    assert.equal(new Set(listed.map((cm) => cm.metadata?.name)).size, 520);
    assert.equal(listed[0]?.kind, 'ConfigMap', 'list items carry their kind');
  });

  it('names the request when the API server refuses it', async () => {
    await assert.rejects(
      client.get(configMaps, { name: 'no-namespace' }),
      /configmaps is namespaced: the key of "no-namespace" needs a namespace/,
    );
    await assert.rejects(
      client.create(configMaps, { metadata: { namespace, name: 'Not_A_Name' } }),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`^create configmaps ${namespace}/Not_A_Name: 422 Invalid: .*metadata.name`),
        );
        return true;
      },
    );
    const unreachable = createKubeClient(
      new ApiTransport({ ...kubeconfigConnection(cluster.kubeconfig), server: 'https://127.0.0.1:1' }),
    );
    await assert.rejects(unreachable.get(configMaps, { namespace, name: 'x' }), (err: Error) => {
      assert.match(err.message, /^get configmaps .*\/x: no answer from the API server: ECONNREFUSED/);
      assert.ok(!isNotFound(err));
      return true;
    });
  });

  it('refuses to act once its signal fired', async () => {
    const term = new AbortController();
    const bound = client.withSignal(term.signal);
    await bound.create(configMaps, { metadata: { namespace, name: 'before' } });
    term.abort(new Error('leadership ended: test'));
    await assert.rejects(
      bound.create(configMaps, { metadata: { namespace, name: 'after' } }),
      /leadership ended: test/,
    );
    assert.equal(await client.get(configMaps, { namespace, name: 'after' }), undefined);
  });
});
