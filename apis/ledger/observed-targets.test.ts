import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OBSERVED_TARGETS, usageLedgerSpec } from '../usage-ledger.js';
import { applyBatch } from './apply-batch.js';
import { emptyLedger } from './ledger-name.js';
import { addObservedTargets } from './observed-targets.js';
import { batch, entry } from './testdata/batches.js';

const NOW = Date.parse('2025-03-11T10:05:00Z');

describe('addObservedTargets', () => {
  it('adds calls and tokens per route, target and model, with first and last minute seen', () => {
    const first = addObservedTargets(
      undefined,
      [
        entry('2025-03-11T10:00:00Z', 2, { route: 'gpt-4o', target: 'openai-eu' }),
        entry('2025-03-11T10:01:00Z', 1, { route: 'gpt-4o', target: 'azure-sweden' }),
        entry('2025-03-11T10:01:00Z', 5),
      ],
      NOW,
    );
    const second = addObservedTargets(
      first,
      [entry('2025-03-11T10:03:00Z', 3, { route: 'gpt-4o', target: 'openai-eu' })],
      NOW,
    );
    assert.deepEqual(second, [
      {
        route: 'gpt-4o',
        target: 'azure-sweden',
        model: 'gpt-4o',
        requests: 1,
        inputTokens: 100,
        outputTokens: 10,
        firstSeen: '2025-03-11T10:01:00.000Z',
        lastSeen: '2025-03-11T10:01:00.000Z',
      },
      {
        route: 'gpt-4o',
        target: 'openai-eu',
        model: 'gpt-4o',
        requests: 5,
        inputTokens: 500,
        outputTokens: 50,
        firstSeen: '2025-03-11T10:00:00.000Z',
        lastSeen: '2025-03-11T10:03:00.000Z',
      },
    ]);
  });

  it('leaves a ledger without observed targets as it is when no entry names a target (older sidecars)', () => {
    assert.equal(addObservedTargets(undefined, [entry('2025-03-11T10:00:00Z', 2)], NOW), undefined);
  });

  it('keeps the most recently seen lines when there are too many', () => {
    const entries = Array.from({ length: MAX_OBSERVED_TARGETS + 5 }, (_, i) =>
      entry(new Date(Date.parse('2025-03-11T08:00:00Z') + i * 60_000).toISOString(), 1, { target: `t${i}` }),
    );
    const kept = addObservedTargets(undefined, entries, NOW) ?? [];
    assert.equal(kept.length, MAX_OBSERVED_TARGETS);
    assert.ok(!kept.some((line) => line.target === 't0'), 'the oldest line left');
    assert.ok(kept.some((line) => line.target === `t${MAX_OBSERVED_TARGETS + 4}`));
  });

  it('counts a batch once: a resent batch adds nothing to the observed targets', () => {
    const sent = batch(1, [entry('2025-03-11T10:00:00Z', 2, { route: 'gpt-4o', target: 'openai-eu' })]);
    const once = applyBatch(emptyLedger('support'), sent, new Date(NOW)).ledger;
    const again = applyBatch(once, sent, new Date(NOW));
    assert.equal(again.duplicate, true);
    assert.equal(again.ledger.observedTargets?.[0]?.requests, 2);
    assert.equal(usageLedgerSpec.safeParse(again.ledger).success, true);
  });
});
