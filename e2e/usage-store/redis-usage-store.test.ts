// The usage store in a real redis-server (Debian's, started here on loopback with an append-only
// file fsynced every second): revisions refuse stale writes in the API server's terms, two
// committers (two services replicas) record every batch exactly once, a resend is a duplicate also
// after the store was killed and started again, and the feed fills an informer's cache. No cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import type { UsageBatch } from '../../apis/usage-batch.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { Informer } from '../../runtime/informer/informer.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../runtime/kube/api-error.js';
import type { ApiTransport } from '../../runtime/kube/api-transport.js';
import { LedgerCommitter } from '../../sidecar-services/ledger-committer.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { eventually } from '../../testing/eventually.js';
import { RedisServer } from '../../testing/redis-server.js';

const NOW = () => new Date();
const minute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

function ledger(name: string, rev?: string): AgentUsageLedger {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'AgentUsageLedger',
    metadata: { namespace: 'agents', name, ...(rev ? { resourceVersion: rev } : {}) },
    spec: emptyLedger(name),
  };
}

async function recordAll(committer: LedgerCommitter, batches: readonly UsageBatch[]) {
  const outcomes = await Promise.all(batches.map((b) => committer.record(b)));
  return outcomes.map((o) => {
    if (!o.ok) throw new Error(o.error.message);
    return o.ack;
  });
}

describe('the Redis usage store against a real redis-server', () => {
  let server: RedisServer;
  let store: UsageStore;

  before(async () => {
    server = await RedisServer.start();
    // Watches end after a second here (every 5 to 10 minutes in the operator), so a deletion shows soon.
    store = redisUsageStore(redisConnection({ url: server.url }), { maxWatchMs: 1_000 });
    await store.ready();
  });
  after(async () => {
    await store?.close();
    await server?.close();
  });

  it('writes a ledger only at the revision read, refusing in the API server’s terms', async () => {
    const created = await store.ledgers.create(ledger('revisions'));
    const rev = created.metadata?.resourceVersion;
    assert.ok(rev);
    await assert.rejects(store.ledgers.create(ledger('revisions')), isAlreadyExists);
    const updated = await store.ledgers.update({
      ...created,
      spec: { ...created.spec, updatedAt: NOW().toISOString() },
    });
    assert.notEqual(updated.metadata?.resourceVersion, rev);
    await assert.rejects(store.ledgers.update(created), (err) => isConflict(err) && !isAlreadyExists(err));
    await assert.rejects(store.ledgers.update(ledger('absent', '7')), isNotFound);
    const read = await store.ledgers.get({ namespace: 'agents', name: 'revisions' });
    assert.equal(read?.metadata?.resourceVersion, updated.metadata?.resourceVersion);
    assert.equal(read?.spec.updatedAt, updated.spec.updatedAt);
  });

  it('records every batch once from two committers at once, and a resend as a duplicate', async () => {
    const replicas = [
      new LedgerCommitter({ ledgers: store.ledgers }),
      new LedgerCommitter({ ledgers: store.ledgers }),
    ];
    const instances = ['pod-a', 'pod-b', 'pod-c'];
    const batchesOf = (instance: string) =>
      Array.from({ length: 20 }, (_, i) =>
        batch(i + 1, [entry(minute(), 1 + (i % 3))], { instance, agent: 'shared' }),
      );
    // As sidecars do: each instance sends its batches in order, the next once the last is acknowledged —
    // here to the two replicas in turn, and each batch a second time to the other replica (a lost answer).
    const acks = await Promise.all(
      instances.map(async (instance) => {
        const seen: boolean[] = [];
        for (const [i, b] of batchesOf(instance).entries()) {
          for (const replica of [replicas[i % 2]!, replicas[(i + 1) % 2]!]) {
            const outcome = await replica.record(b);
            assert.ok(outcome.ok, !outcome.ok ? outcome.error.message : '');
            seen.push(outcome.ack.duplicate);
          }
        }
        return seen;
      }),
    );
    for (const seen of acks)
      assert.deepEqual(
        seen,
        seen.map((_, i) => i % 2 === 1),
      );
    const batches = instances.flatMap(batchesOf);
    const stored = await store.ledgers.get({ namespace: 'agents', name: 'shared' });
    const requests = batches.reduce((sum, b) => sum + b.entries[0]!.requests, 0);
    assert.equal(stored?.spec.totals.requests, requests);
    assert.equal(stored?.spec.totals.inputTokens, 100 * requests);
  });

  it('keeps counts and sequences together across a killed and restarted redis-server (append-only file)', async () => {
    const committer = new LedgerCommitter({ ledgers: store.ledgers });
    const batches = Array.from({ length: 10 }, (_, i) =>
      batch(i + 1, [entry(minute(), 2)], { agent: 'restarts' }),
    );
    await recordAll(committer, batches);
    await sleep(1_500); // appendfsync everysec: what was acknowledged over a second ago is on disk
    await server.kill();
    // While the store is away the committer answers 503: the sidecar keeps the batch and resends.
    const away = await committer.record(batch(11, [entry(minute(), 5)], { agent: 'restarts' }));
    assert.equal(away.ok, false);
    assert.equal(!away.ok && away.error.status, 503);
    await server.restart();
    await eventually(
      'the client reconnected',
      async () => (await store.ready().then(() => true)) || undefined,
    );
    const resent = await recordAll(committer, [
      ...batches,
      batch(11, [entry(minute(), 5)], { agent: 'restarts' }),
    ]);
    assert.deepEqual(
      resent.map((ack) => ack.duplicate),
      [...batches.map(() => true), false],
    );
    const stored = await store.ledgers.get({ namespace: 'agents', name: 'restarts' });
    assert.equal(stored?.spec.totals.requests, 10 * 2 + 5);
    assert.equal(stored?.spec.instances.find((i) => i.id === 'pod-a')?.sequence, 11);
  });

  it('fills an informer cache: listed, then every commit, then a ledger gone from the store', async () => {
    const informer = new Informer<AgentUsageLedger>({} as ApiTransport, {
      resource: agentUsageLedgers,
      namespace: 'feed',
      log: pino({ level: 'silent' }),
      ...(store.ledgerFeed ? { source: store.ledgerFeed } : {}),
    });
    const seen: string[] = [];
    informer.on({
      add: (l) => seen.push(`add ${l.metadata?.name}`),
      update: (_o, l) => seen.push(`update ${l.metadata?.name} ${l.spec.totals.requests}`),
      delete: (l) => seen.push(`delete ${l.metadata?.name}`),
    });
    const committer = new LedgerCommitter({ ledgers: store.ledgers });
    const inFeed = (b: UsageBatch) => ({ ...b, agent: { namespace: 'feed', name: b.agent.name } });
    await recordAll(committer, [inFeed(batch(1, [entry(minute(), 1)], { agent: 'alpha' }))]);
    informer.start();
    try {
      await informer.waitForSync();
      assert.equal(informer.cache.get({ namespace: 'feed', name: 'alpha' })?.spec.totals.requests, 1);
      await recordAll(committer, [inFeed(batch(2, [entry(minute(), 4)], { agent: 'alpha' }))]);
      await eventually('the commit in the cache', () =>
        informer.cache.get({ namespace: 'feed', name: 'alpha' })?.spec.totals.requests === 5
          ? true
          : undefined,
      );
      await recordAll(committer, [inFeed(batch(1, [entry(minute(), 3)], { agent: 'beta' }))]);
      await eventually('a new ledger in the cache', () =>
        informer.cache.get({ namespace: 'feed', name: 'beta' }),
      );
      // Nothing publishes a deletion (the operator never deletes a ledger in the store); the next watch
      // reads every ledger and finds it gone.
      const raw = new Redis(server.url);
      await raw.del('agent-governor:ledger:feed/beta');
      raw.disconnect();
      await eventually('the deletion in the cache', () =>
        informer.cache.get({ namespace: 'feed', name: 'beta' }) ? undefined : true,
      );
      assert.deepEqual(seen, ['add alpha', 'update alpha 5', 'add beta', 'delete beta']);
    } finally {
      await informer.stop();
    }
  });
});
