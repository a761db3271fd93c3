// Every instance's sequence kept in a real redis-server beside its ledger (ADR 0071): an agent with
// 1,000 sidecar instances — four times what the ledger's own list remembers — still counts a resend
// from its first instance once, through either of two committers (two services replicas), after
// the committers restart and after the store is killed and started again on its append-only file;
// an instance silent for the retention is forgotten a few at a time. No cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import type { UsageAck, UsageBatch } from '../../apis/usage-batch.js';
import { MAX_INSTANCES } from '../../apis/usage-ledger.js';
import { LedgerCommitter } from '../../sidecar-services/ledger-committer.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { instanceSequenceKeys } from '../../sidecar-services/usage-store/redis-instance-sequences.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { eventually } from '../../testing/eventually.js';
import { RedisServer } from '../../testing/redis-server.js';

const INSTANCES = 1_000;
const minute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
const pod = (i: number) => `pod-${String(i).padStart(4, '0')}`;
/** Instance i's batch `sequence`: i % 5 + 1 calls, so the total tells which batches were counted. */
const batchOf = (agent: string, i: number, sequence = 1): UsageBatch =>
  batch(sequence, [entry(minute(), (i % 5) + 1)], { instance: pod(i), agent });
const callsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => (i % 5) + 1).reduce((a, b) => a + b);

async function recordAll(committers: readonly LedgerCommitter[], batches: readonly UsageBatch[]) {
  const outcomes = await Promise.all(batches.map((b, i) => committers[i % committers.length]!.record(b)));
  return outcomes.map((o): UsageAck => {
    if (!o.ok) throw new Error(o.error.message);
    return o.ack;
  });
}

describe('instance sequences beside the ledger in a real redis-server', () => {
  let server: RedisServer;
  let store: UsageStore;
  let raw: Redis;

  before(async () => {
    server = await RedisServer.start();
    store = redisUsageStore(redisConnection({ url: server.url }));
    await store.ready();
    raw = new Redis(server.url);
  });
  after(async () => {
    raw?.disconnect();
    await store?.close();
    await server?.close();
  });

  const requestsOf = async (agent: string) =>
    (await store.ledgers.get({ namespace: 'agents', name: agent }))?.spec;

  it('counts a resend from the first of 1,000 instances once, through either of two committers', async () => {
    const replicas = [
      new LedgerCommitter({ ledgers: store.ledgers }),
      new LedgerCommitter({ ledgers: store.ledgers }),
    ];
    const first = await recordAll(
      replicas,
      Array.from({ length: INSTANCES }, (_, i) => batchOf('crowd', i)),
    );
    assert.equal(first.filter((ack) => ack.duplicate).length, 0);
    const ledger = await requestsOf('crowd');
    assert.equal(ledger?.totals.requests, callsOf(INSTANCES));
    // The ledger's own list has forgotten the first instances: only the store's sequences know them.
    assert.equal(ledger?.instances.length, MAX_INSTANCES);
    assert.equal(
      ledger?.instances.some((i) => i.id === pod(0)),
      false,
    );
    assert.equal(await raw.hlen(instanceSequenceKeys({ namespace: 'agents', name: 'crowd' })[0]), INSTANCES);

    // A lost answer: the first instance resends to each replica, both at once.
    const resent = await Promise.all(replicas.map((r) => r.record(batchOf('crowd', 0))));
    for (const outcome of resent) {
      assert.ok(outcome.ok, !outcome.ok ? outcome.error.message : '');
      assert.deepEqual(outcome.ack, { instance: pod(0), acknowledgedSequence: 1, duplicate: true });
    }
    // A resend in one group with new batches: the new ones are counted, the resend is not.
    const mixed = await recordAll(
      [replicas[0]!],
      [batchOf('crowd', 1), batchOf('crowd', 1, 2), batchOf('crowd', 2), batchOf('crowd', 999, 2)],
    );
    assert.deepEqual(
      mixed.map((ack) => [ack.instance, ack.acknowledgedSequence, ack.duplicate]),
      [
        [pod(1), 1, true],
        [pod(1), 2, false],
        [pod(2), 1, true],
        [pod(999), 2, false],
      ],
    );
    // The next batch of a forgotten instance, sent to both replicas at once: recorded by one only.
    const raced = await Promise.all(replicas.map((r) => r.record(batchOf('crowd', 3, 2))));
    assert.deepEqual(raced.map((o) => o.ok && o.ack.duplicate).sort(), [false, true]);
    assert.equal(
      (await requestsOf('crowd'))?.totals.requests,
      callsOf(INSTANCES) + ((1 % 5) + 1) + ((999 % 5) + 1) + ((3 % 5) + 1),
    );
  });

  it('still knows every instance after the committers restart and the store is killed and restarted', async () => {
    const before = new LedgerCommitter({ ledgers: store.ledgers });
    await recordAll(
      [before],
      Array.from({ length: INSTANCES }, (_, i) => batchOf('restarts', i)),
    );
    await sleep(1_500); // appendfsync everysec: what was acknowledged over a second ago is on disk
    await server.kill();
    await server.restart();
    await eventually(
      'the client reconnected',
      async () => (await store.ready().then(() => true)) || undefined,
    );
    const replicas = [
      new LedgerCommitter({ ledgers: store.ledgers }),
      new LedgerCommitter({ ledgers: store.ledgers }),
    ];
    const resent = await recordAll(
      replicas,
      Array.from({ length: 50 }, (_, i) => batchOf('restarts', i * 20)),
    );
    assert.deepEqual(
      resent.map((ack) => ack.duplicate),
      resent.map(() => true),
    );
    assert.equal((await requestsOf('restarts'))?.totals.requests, callsOf(INSTANCES));
  });

  it('forgets an instance silent for the retention, a few per write, and lets the keys expire', async () => {
    const retentionMs = 60_000;
    const aged = redisUsageStore(redisConnection({ url: server.url }), { instanceRetentionMs: retentionMs });
    await aged.ready();
    let now = Date.now();
    const committer = new LedgerCommitter({ ledgers: aged.ledgers, now: () => new Date(now) });
    const [sequences, seen] = instanceSequenceKeys({ namespace: 'agents', name: 'aging' });
    try {
      await recordAll(
        [committer],
        Array.from({ length: 100 }, (_, i) => batchOf('aging', i)),
      );
      assert.equal(await raw.hlen(sequences), 100);
      const ttl = await raw.pttl(sequences);
      assert.ok(ttl > 0 && ttl <= retentionMs, `the sequences expire with the retention (PTTL ${ttl})`);
      now += retentionMs + 1_000;
      // One write forgets at most 64 silent instances; two writes forget all 100.
      await recordAll([committer], [batchOf('aging', 500)]);
      assert.equal(await raw.hlen(sequences), 100 - 64 + 1);
      await recordAll([committer], [batchOf('aging', 501)]);
      assert.equal(await raw.hlen(sequences), 2);
      assert.equal(await raw.zcard(seen), 2);
      assert.equal(await raw.hget(sequences, pod(0)), null);
    } finally {
      await aged.close();
    }
  });
});
