// The committer's writes against the API server are tested in e2e/sidecar-services and against
// Redis in e2e/usage-store; here its pause and how it treats a store that keeps every instance's
// sequence beyond the ledger's own list (ADR 0071), over ledgers in memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BatchesRecordedBefore,
  type LedgerDocuments,
  type SequencesRecorded,
} from '../agents/ledger-documents.js';
import { batch, entry } from '../apis/ledger/testdata/batches.js';
import type { UsageAck, UsageBatch } from '../apis/usage-batch.js';
import { type AgentUsageLedger, MAX_INSTANCES } from '../apis/usage-ledger.js';
import { ApiError } from '../runtime/kube/api-error.js';
import { conflictDelayMs, LedgerCommitter } from './ledger-committer.js';

describe('conflictDelayMs', () => {
  it('is full jitter: anywhere from 0 up to 10 ms · 2^attempt', () => {
    assert.equal(
      conflictDelayMs(1, () => 0),
      0,
    );
    assert.equal(
      conflictDelayMs(1, () => 0.999),
      19,
    );
    assert.equal(
      conflictDelayMs(3, () => 0.5),
      40,
    );
  });
  it('is capped at 500 ms however many attempts', () => {
    assert.equal(
      conflictDelayMs(30, () => 0.999),
      499,
    );
  });
});

/**
 * Ledgers in memory, written only at the revision read (409 otherwise). `keepsSequences`: like the
 * Redis store, every instance's sequence is also kept apart, without the ledger list's bound, and a
 * write holding a batch recorded before is refused with BatchesRecordedBefore; without it, like the
 * API server, only the ledger's own list of MAX_INSTANCES knows what was recorded.
 */
function memoryLedgers(keepsSequences: boolean) {
  const stored = new Map<string, AgentUsageLedger>();
  const sequences = new Map<string, number>();
  let revision = 0;
  const writes: (SequencesRecorded | undefined)[] = [];
  const nameOf = (l: AgentUsageLedger) => `${l.metadata?.namespace}/${l.metadata?.name}`;
  const write = (ledger: AgentUsageLedger, expected: string | undefined, recorded?: SequencesRecorded) => {
    const current = stored.get(nameOf(ledger));
    if (expected === undefined && current) throw new ApiError('create', 409, 'AlreadyExists', 'exists');
    if (expected !== undefined && current?.metadata?.resourceVersion !== expected) {
      throw new ApiError('update', current ? 409 : 404, current ? 'Conflict' : 'NotFound', 'changed');
    }
    if (keepsSequences && recorded) {
      const before = new Map<string, number>();
      for (const { instance, sequence } of recorded.batches) {
        const last = sequences.get(instance);
        if (last !== undefined && sequence <= last) before.set(instance, last);
      }
      if (before.size > 0) throw new BatchesRecordedBefore(`write ${nameOf(ledger)}`, before);
      for (const { instance, sequence } of recorded.batches) sequences.set(instance, sequence);
    }
    writes.push(recorded);
    const written = { ...ledger, metadata: { ...ledger.metadata, resourceVersion: String(++revision) } };
    stored.set(nameOf(ledger), structuredClone(written));
    return Promise.resolve(written);
  };
  const ledgers: LedgerDocuments = {
    get: (key) => Promise.resolve(structuredClone(stored.get(`${key.namespace}/${key.name}`))),
    create: (ledger, recorded) => write(ledger, undefined, recorded),
    update: (ledger, recorded) => write(ledger, ledger.metadata?.resourceVersion ?? '', recorded),
  };
  return { ledgers, writes, stored: (agent: string) => stored.get(`agents/${agent}`)?.spec };
}

const MINUTE = '2026-12-07T10:00:00Z';
const NOW = () => new Date('2026-12-07T10:00:30Z');
/** A clock a millisecond later at each reading: each instance seen at its own instant, as in life. */
function ticking(): () => Date {
  let ms = NOW().getTime();
  return () => new Date(ms++);
}
const instanceBatch = (i: number, sequence = 1) =>
  batch(sequence, [entry(MINUTE, 1)], { instance: `pod-${i}`, agent: 'crowd' });

async function recordOne(committer: LedgerCommitter, b: UsageBatch): Promise<UsageAck> {
  const outcome = await committer.record(b);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.ack;
}

describe('LedgerCommitter and the instances a store keeps beyond the ledger’s list', () => {
  const crowd = MAX_INSTANCES + 44;

  it('names each batch it records, once, in the write that records it', async () => {
    const memory = memoryLedgers(true);
    const committer = new LedgerCommitter({ ledgers: memory.ledgers, now: NOW });
    await recordOne(committer, instanceBatch(1));
    await recordOne(committer, instanceBatch(1)); // a resend the ledger's list knows: no write
    await recordOne(committer, instanceBatch(1, 2));
    assert.deepEqual(
      memory.writes.map((w) => [w?.atMs, w?.batches]),
      [
        [NOW().getTime(), [{ instance: 'pod-1', sequence: 1 }]],
        [NOW().getTime(), [{ instance: 'pod-1', sequence: 2 }]],
      ],
    );
  });

  it('acknowledges a resend the store knew as a duplicate, counting it once', async () => {
    const memory = memoryLedgers(true);
    const results: string[] = [];
    const committer = new LedgerCommitter({
      ledgers: memory.ledgers,
      now: ticking(),
      onWrite: (result) => results.push(result),
    });
    for (let i = 0; i < crowd; i++) await recordOne(committer, instanceBatch(i));
    assert.equal(memory.stored('crowd')?.instances.length, MAX_INSTANCES);
    assert.equal(
      memory.stored('crowd')?.instances.some((i) => i.id === 'pod-0'),
      false,
    );
    assert.deepEqual(await recordOne(committer, instanceBatch(0)), {
      instance: 'pod-0',
      acknowledgedSequence: 1,
      duplicate: true,
    });
    assert.equal(memory.stored('crowd')?.totals.requests, crowd);
    assert.equal(results.filter((r) => r === 'recorded-before').length, 1);
  });

  it('writes the new batches of a group and leaves out the ones the store recorded before', async () => {
    const memory = memoryLedgers(true);
    const committer = new LedgerCommitter({ ledgers: memory.ledgers, now: ticking() });
    for (let i = 0; i < crowd; i++) await recordOne(committer, instanceBatch(i));
    const group = [instanceBatch(0), instanceBatch(0, 2), instanceBatch(1), instanceBatch(crowd)];
    const acks = await Promise.all(group.map((b) => recordOne(committer, b)));
    assert.deepEqual(
      acks.map((a) => [a.instance, a.acknowledgedSequence, a.duplicate]),
      [
        ['pod-0', 1, true],
        ['pod-0', 2, false],
        ['pod-1', 1, true],
        [`pod-${crowd}`, 1, false],
      ],
    );
    assert.equal(memory.stored('crowd')?.totals.requests, crowd + 2);
  });

  it('without such a store (the API server), only the ledger’s last MAX_INSTANCES instances are known', async () => {
    const memory = memoryLedgers(false);
    const committer = new LedgerCommitter({ ledgers: memory.ledgers, now: ticking() });
    for (let i = 0; i < crowd; i++) await recordOne(committer, instanceBatch(i));
    assert.equal((await recordOne(committer, instanceBatch(crowd - 1))).duplicate, true);
    // The documented bound of the embedded store (docs/scale.md): a forgotten instance's resend counts again.
    assert.equal((await recordOne(committer, instanceBatch(0))).duplicate, false);
    assert.equal(memory.stored('crowd')?.totals.requests, crowd + 1);
  });
});
