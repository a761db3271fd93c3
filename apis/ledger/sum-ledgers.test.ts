import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BudgetPeriodSpec } from '../budget-period.js';
import { applyBatch } from './apply-batch.js';
import { emptyLedger } from './ledger-name.js';
import { periodTotals } from './period-totals.js';
import { SUMMED_AGENTS, sumLedgers } from './sum-ledgers.js';
import { batch, entry } from './testdata/batches.js';
import { trackPeriods } from './tracked-periods.js';
import { windowCounts } from './window-counts.js';

const daily: BudgetPeriodSpec = { reset: 'Daily', timeZone: 'UTC' };

function ledgerOf(
  agent: string,
  trackedAt: string,
  calls: { minute: string; n: number; useCase?: string }[],
  now: string,
) {
  const tracked = trackPeriods(emptyLedger(agent), [daily], new Date(trackedAt));
  const entries = calls.map((c) => entry(c.minute, c.n, c.useCase ? { useCase: c.useCase } : {}));
  return applyBatch(tracked, batch(1, entries, { agent }), new Date(now)).ledger;
}

describe('sumLedgers', () => {
  const now = new Date('2025-03-11T12:00:00Z');
  const support = ledgerOf(
    'support',
    '2025-03-11T00:00:00Z',
    [
      { minute: '2025-03-11T11:58:00Z', n: 3, useCase: 'chat' },
      { minute: '2025-03-11T11:59:00Z', n: 1, useCase: 'triage' },
    ],
    '2025-03-11T11:59:30Z',
  );
  const marketing = ledgerOf(
    'marketing',
    '2025-03-11T09:00:00Z',
    [{ minute: '2025-03-11T11:59:00Z', n: 5, useCase: 'chat' }],
    '2025-03-11T11:59:40Z',
  );

  it('adds totals, period usage and buckets of every agent', () => {
    const sum = sumLedgers([support, marketing], now);
    assert.equal(sum.agent, SUMMED_AGENTS);
    assert.equal(sum.totals.requests, 9);
    assert.equal(periodTotals(sum, daily, now)?.tokens, 9 * 110);
    assert.equal(periodTotals(sum, daily, now, ['chat'])?.requests, 8);
    assert.equal(windowCounts(sum, 5 * 60_000, now).calls, 9);
    assert.deepEqual(
      sum.buckets.minutes.map((b) => [b.start, b.outcomes.Success]),
      [
        ['2025-03-11T11:58:00.000Z', 3],
        ['2025-03-11T11:59:00.000Z', 6],
      ],
    );
    assert.equal(sum.updatedAt, '2025-03-11T11:59:40.000Z');
    assert.deepEqual(sum.instances, []);
  });

  it('counts a period from the latest time any agent started counting it', () => {
    const sum = sumLedgers([support, marketing], now);
    assert.equal(periodTotals(sum, daily, now)?.trackedSince?.toISOString(), '2025-03-11T09:00:00.000Z');
  });

  it('reads ledgers last written in an earlier period as empty for this one', () => {
    const tomorrow = new Date('2025-03-12T08:00:00Z');
    const sum = sumLedgers([support, marketing], tomorrow);
    assert.equal(periodTotals(sum, daily, tomorrow)?.requests, 0);
    assert.equal(
      sum.periods[0]?.previous?.lines.reduce((s, l) => s + l.requests, 0),
      9,
    );
  });

  it('leaves its inputs untouched', () => {
    const before = JSON.stringify([support, marketing]);
    sumLedgers([support, marketing], now);
    sumLedgers([support, marketing], new Date('2025-03-15T00:00:00Z'));
    assert.equal(JSON.stringify([support, marketing]), before);
  });

  it('sums nothing to an empty ledger', () => {
    const sum = sumLedgers([], now);
    assert.equal(sum.totals.requests, 0);
    assert.equal(periodTotals(sum, daily, now), undefined);
  });
});
