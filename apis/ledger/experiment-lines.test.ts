import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentTally } from '../usage-batch.js';
import { MAX_EXPERIMENT_LINES, usageLedgerSpec } from '../usage-ledger.js';
import { applyBatch } from './apply-batch.js';
import { addExperimentLines } from './experiment-lines.js';
import { emptyLedger } from './ledger-name.js';
import { batch, entry } from './testdata/batches.js';

const NOW = Date.parse('2025-03-11T10:05:00Z');

const tally = (
  variant: string,
  calls: number,
  overrides: Partial<ExperimentTally> = {},
): ExperimentTally => ({
  name: 'support-model',
  variant,
  calls,
  errors: 0,
  tokensSquares: 110 * 110 * calls,
  costMicrosSquares: 1_000 * 1_000 * calls,
  latencyMs: 200 * calls,
  latencyMsSquares: 200 * 200 * calls,
  ...overrides,
});

describe('addExperimentLines', () => {
  it('sums calls, errors, tokens, cost, latency and their squares per route, experiment and variant', () => {
    const first = addExperimentLines(
      undefined,
      [
        entry('2025-03-11T10:00:00Z', 2, { route: 'gpt-4o', experiment: tally('control', 2) }),
        entry('2025-03-11T10:00:00Z', 1, { route: 'gpt-4o', experiment: tally('mini', 1, { errors: 1 }) }),
        entry('2025-03-11T10:01:00Z', 5, { route: 'gpt-4o' }),
      ],
      NOW,
    );
    const second = addExperimentLines(
      first,
      [entry('2025-03-11T10:03:00Z', 3, { route: 'gpt-4o', experiment: tally('control', 3) })],
      NOW,
    );
    assert.deepEqual(second, [
      {
        route: 'gpt-4o',
        experiment: 'support-model',
        variant: 'control',
        calls: 5,
        errors: 0,
        inputTokens: 500,
        outputTokens: 50,
        tokensSquares: 110 * 110 * 5,
        costMicros: 5_000,
        costMicrosSquares: 1_000 * 1_000 * 5,
        latencyMs: 1_000,
        latencyMsSquares: 200 * 200 * 5,
        lastSeen: '2025-03-11T10:03:00.000Z',
      },
      {
        route: 'gpt-4o',
        experiment: 'support-model',
        variant: 'mini',
        calls: 1,
        errors: 1,
        inputTokens: 100,
        outputTokens: 10,
        tokensSquares: 110 * 110,
        costMicros: 1_000,
        costMicrosSquares: 1_000 * 1_000,
        latencyMs: 200,
        latencyMsSquares: 200 * 200,
        lastSeen: '2025-03-11T10:00:00.000Z',
      },
    ]);
  });

  it('leaves a ledger without experiment lines as it is when no entry carries a variant', () => {
    assert.equal(addExperimentLines(undefined, [entry('2025-03-11T10:00:00Z', 1)], NOW), undefined);
  });

  it(`keeps at most ${MAX_EXPERIMENT_LINES} lines, the most recently seen, and drops lines idle for 30 days`, () => {
    const many = Array.from({ length: MAX_EXPERIMENT_LINES + 5 }, (_, i) =>
      entry(new Date(NOW - (i + 1) * 60_000).toISOString(), 1, {
        route: `route-${i}`,
        experiment: tally('control', 1),
      }),
    );
    const lines = addExperimentLines(undefined, many, NOW) ?? [];
    assert.equal(lines.length, MAX_EXPERIMENT_LINES);
    assert.ok(!lines.some((l) => l.route === `route-${MAX_EXPERIMENT_LINES}`));
    assert.ok(lines.some((l) => l.route === 'route-0'));
    const old = addExperimentLines(
      undefined,
      [entry('2025-01-01T00:00:00Z', 1, { route: 'old', experiment: tally('control', 1) })],
      Date.parse('2025-01-01T00:00:00Z'),
    );
    const later = addExperimentLines(old, [], NOW);
    assert.deepEqual(later, []);
  });

  it('counts a batch once, and the ledger with its lines stays valid', () => {
    const b = batch(1, [entry('2025-03-11T10:00:00Z', 2, { route: 'gpt-4o', experiment: tally('mini', 2) })]);
    const once = applyBatch(emptyLedger('support'), b, new Date(NOW));
    const twice = applyBatch(once.ledger, b, new Date(NOW));
    assert.equal(twice.duplicate, true);
    assert.equal(twice.ledger.experimentLines?.[0]?.calls, 2);
    assert.doesNotThrow(() => usageLedgerSpec.parse(twice.ledger));
  });
});
