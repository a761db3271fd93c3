import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  INSTANCE_SEQUENCE_RETENTION_MS,
  instanceSequenceKeys,
  MAX_FORGOTTEN_PER_WRITE,
  recordedBefore,
  sequenceArguments,
} from './redis-instance-sequences.js';

describe('instance sequences in Redis: keys, arguments and answers', () => {
  it('names a hash and a sorted set per ledger, apart from the ledger keys', () => {
    assert.deepEqual(instanceSequenceKeys({ namespace: 'team', name: 'support' }), [
      'agent-governor:instance-sequences:team/support',
      'agent-governor:instance-seen:team/support',
    ]);
    // The ledger list SCANs `agent-governor:ledger:*`: these keys must never match it.
    for (const key of instanceSequenceKeys({ namespace: 'team', name: 'support' })) {
      assert.equal(key.startsWith('agent-governor:ledger:'), false);
    }
  });

  it('passes when, the cut-off, the expiry, the bound and each (instance, sequence) in order', () => {
    const atMs = 1_700_000_000_000.7;
    const args = sequenceArguments(
      {
        atMs,
        batches: [
          { instance: 'pod-b', sequence: 7 },
          { instance: 'pod-a', sequence: 3 },
          { instance: 'pod-b', sequence: 8 },
        ],
      },
      60_000,
    );
    assert.deepEqual(args, [
      '1700000000000',
      '1699999940000',
      '1700000060000',
      String(MAX_FORGOTTEN_PER_WRITE),
      'pod-b',
      '7',
      'pod-a',
      '3',
      'pod-b',
      '8',
    ]);
  });

  it('keeps a week by default, and passes four empty strings when the write records no batch', () => {
    assert.equal(INSTANCE_SEQUENCE_RETENTION_MS, 7 * 86_400_000);
    const [at, cut] = sequenceArguments({ atMs: 10 * 86_400_000, batches: [{ instance: 'p', sequence: 1 }] });
    assert.equal(Number(at) - Number(cut), INSTANCE_SEQUENCE_RETENTION_MS);
    assert.deepEqual(sequenceArguments(undefined), ['', '', '', '']);
    assert.deepEqual(sequenceArguments({ atMs: 1, batches: [] }), ['', '', '', '']);
  });

  it('reads the instances recorded before, and refuses a sequence that is not a number, naming the key', () => {
    assert.deepEqual(
      recordedBefore(['pod-a', '12', 'pod-b', '3'], 'k'),
      new Map([
        ['pod-a', 12],
        ['pod-b', 3],
      ]),
    );
    assert.throws(
      () => recordedBefore(['pod-a', 'x'], 'Redis key agent-governor:instance-sequences:t/s'),
      /Redis key agent-governor:instance-sequences:t\/s: instance pod-a has sequence "x", expected a whole number/,
    );
  });
});
