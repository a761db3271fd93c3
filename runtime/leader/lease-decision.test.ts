import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLease, type LeaseAction, type LeaseDecisionInput, observe } from './lease-decision.js';

const base: LeaseDecisionInput = {
  lease: { holderIdentity: 'pod-b', leaseDurationSeconds: 15, leaseTransitions: 3 },
  observation: { record: 'r1', seenAt: 100_000 },
  identity: 'pod-a',
  now: 100_000,
  leaseDurationMs: 15_000,
};

describe('decideLease', () => {
  const cases: Array<[string, Partial<LeaseDecisionInput>, LeaseAction]> = [
    ['no Lease yet: create it', { lease: undefined, observation: undefined }, { kind: 'create' }],
    [
      'we hold it: renew',
      { lease: { holderIdentity: 'pod-a', leaseDurationSeconds: 15 } },
      { kind: 'renew' },
    ],
    [
      'released (no holder): take it at once',
      { lease: { holderIdentity: '', leaseDurationSeconds: 1 } },
      { kind: 'acquire', previousHolder: undefined },
    ],
    ['held, seen renewed just now: wait 15 s', {}, { kind: 'wait', holder: 'pod-b', expiresInMs: 15_000 }],
    [
      'held, unchanged for 14.9 s: still wait',
      { now: 114_900 },
      { kind: 'wait', holder: 'pod-b', expiresInMs: 100 },
    ],
    [
      'held, unchanged for 15 s: the holder is gone, take over',
      { now: 115_000 },
      { kind: 'acquire', previousHolder: 'pod-b' },
    ],
    [
      "the holder's own duration counts, not ours",
      { lease: { holderIdentity: 'pod-b', leaseDurationSeconds: 60 }, now: 130_000 },
      { kind: 'wait', holder: 'pod-b', expiresInMs: 30_000 },
    ],
    [
      'a record naming no duration uses ours',
      { lease: { holderIdentity: 'pod-b' }, now: 110_000 },
      { kind: 'wait', holder: 'pod-b', expiresInMs: 5_000 },
    ],
    [
      'first sight of a held Lease starts the clock now',
      { observation: undefined, now: 500_000 },
      { kind: 'wait', holder: 'pod-b', expiresInMs: 15_000 },
    ],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => assert.deepEqual(decideLease({ ...base, ...change }), expected));
  }
});

describe('observe', () => {
  it('keeps the expiry clock running while the record does not change', () => {
    const first = observe(undefined, 'r1', 1_000);
    assert.deepEqual(observe(first, 'r1', 9_000), { record: 'r1', seenAt: 1_000 });
  });
  it('restarts the clock when the holder renewed', () => {
    const first = observe(undefined, 'r1', 1_000);
    assert.deepEqual(observe(first, 'r2', 9_000), { record: 'r2', seenAt: 9_000 });
  });
});
