import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INSTANCE_RETENTION_DAYS, MAX_INSTANCES, type UsageLedgerSpec } from '../usage-ledger.js';
import { pruneInstances, recordedSequence, recordSequence } from './instance-sequences.js';

type Instances = UsageLedgerSpec['instances'];
const DAY = 86_400_000;
const now = new Date('2026-12-07T02:00:00.000Z');
const at = (msBefore: number) => new Date(now.getTime() - msBefore).toISOString();

/** The rule as first written: dates parsed in the comparators, every time. */
function prunedByTheRule(instances: Instances, asOf = now): Instances {
  return instances
    .filter((i) => asOf.getTime() - Date.parse(i.lastSeen) <= INSTANCE_RETENTION_DAYS * DAY)
    .sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    .slice(0, MAX_INSTANCES)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('pruneInstances', () => {
  it('keeps the MAX_INSTANCES seen last, by id, as the rule does, ties in the order given', () => {
    // Many instances seen in the same millisecond (a group commit): which of them stay is decided
    // by their order, as a stable sort keeps it.
    const instances: Instances = Array.from({ length: MAX_INSTANCES + 40 }, (_, i) => ({
      id: `pod-${(i * 7919) % 1000}`,
      sequence: i + 1,
      lastSeen: at(Math.floor(i / 30) * 1_000),
    }));
    const pruned = pruneInstances(instances, now);
    assert.equal(pruned.length, MAX_INSTANCES);
    assert.deepEqual(pruned, prunedByTheRule(instances));
  });

  it('forgets instances unseen for INSTANCE_RETENTION_DAYS and any whose lastSeen is not a date', () => {
    const instances: Instances = [
      { id: 'b', sequence: 1, lastSeen: at(INSTANCE_RETENTION_DAYS * DAY) },
      { id: 'a', sequence: 2, lastSeen: at(INSTANCE_RETENTION_DAYS * DAY + 1) },
      { id: 'c', sequence: 3, lastSeen: 'yesterday' },
    ];
    assert.deepEqual(
      pruneInstances(instances, now).map((i) => i.id),
      ['b'],
    );
    assert.deepEqual(pruneInstances(instances, now), prunedByTheRule(instances));
  });
});

describe('recordSequence', () => {
  it('replaces the instance, seen now, and keeps the list bounded and sorted by id', () => {
    let instances: Instances = [];
    for (let i = 0; i < 3 * MAX_INSTANCES; i++) {
      const seen = new Date(now.getTime() + i);
      instances = recordSequence(instances, `pod-${i % (2 * MAX_INSTANCES)}`, i + 1, seen);
    }
    assert.equal(instances.length, MAX_INSTANCES);
    const ids = instances.map((i) => i.id);
    assert.deepEqual(ids, [...ids].sort());
    // The last MAX_INSTANCES recorded are the ones kept, each with its latest sequence.
    assert.equal(
      recordedSequence(instances, `pod-${(3 * MAX_INSTANCES - 1) % (2 * MAX_INSTANCES)}`),
      3 * MAX_INSTANCES,
    );
    assert.equal(recordedSequence(instances, `pod-${2 * MAX_INSTANCES - 1}`), 0);
  });

  it('records as the rule does, batch after batch: full lists, equal times, forgotten and foreign lists', () => {
    // A small deterministic generator (the same run every time): ids from a pool larger than the
    // bound, several batches in the same millisecond (a group commit), now and then a week's silence.
    let seed = 12_345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    let instances: Instances = [];
    let clock = now.getTime();
    let sequence = 0;
    let checked = 0;
    for (let step = 0; step < 3_000; step++) {
      const r = random();
      if (r < 0.6) clock += 1 + Math.floor(random() * 5);
      else if (r < 0.601) clock += INSTANCE_RETENTION_DAYS * DAY + Math.floor(random() * 3) - 1;
      const seen = new Date(clock);
      const id = `pod-${Math.floor(random() * (step < 1_500 ? 400 : 60))}`;
      // Now and then a list this module did not write: unsorted, or over the bound.
      const given =
        step % 997 === 0
          ? [...instances].reverse()
          : step % 1_499 === 0
            ? [...instances, ...instances.slice(0, 20).map((i) => ({ ...i, id: `${i.id}-extra-${step}` }))]
            : instances;
      const recorded = recordSequence(given, id, ++sequence, seen);
      const expected = prunedByTheRule(
        [{ id, sequence, lastSeen: seen.toISOString() }, ...given.filter((i) => i.id !== id)],
        seen,
      );
      assert.deepEqual(recorded, expected, `step ${step}: ${id}#${sequence} at ${seen.toISOString()}`);
      instances = recorded;
      checked++;
    }
    assert.equal(checked, 3_000);
  });

  it('a full list seen in the same millisecond as the new instance keeps the new one, as the rule does', () => {
    // One group commit of more batches than the bound: every instance seen at the same instant.
    const seen = now.toISOString();
    const full: Instances = Array.from({ length: MAX_INSTANCES }, (_, i) => ({
      id: `pod-${String(i).padStart(3, '0')}`,
      sequence: i + 1,
      lastSeen: seen,
    }));
    const recorded = recordSequence(full, 'pod-new', 1_000, now);
    assert.deepEqual(
      recorded,
      prunedByTheRule([{ id: 'pod-new', sequence: 1_000, lastSeen: seen }, ...full]),
    );
    assert.equal(recordedSequence(recorded, 'pod-new'), 1_000);
    assert.equal(recorded.length, MAX_INSTANCES);
  });
});
