import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INSTANCE_RETENTION_DAYS, MAX_INSTANCES, type UsageLedgerSpec } from '../usage-ledger.js';
import { pruneInstances, recordedSequence, recordSequence } from './instance-sequences.js';

type Instances = UsageLedgerSpec['instances'];
const DAY = 86_400_000;
const now = new Date('2026-12-07T02:00:00.000Z');
const at = (msBefore: number) => new Date(now.getTime() - msBefore).toISOString();

/** The rule as first written: dates parsed in the comparators, every time. */
function prunedByTheRule(instances: Instances): Instances {
  return instances
    .filter((i) => now.getTime() - Date.parse(i.lastSeen) <= INSTANCE_RETENTION_DAYS * DAY)
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
});
