import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';
import { pruneLedger } from './ledger-retention.js';

const bucket = (start: string) => ({ start, latency: new Array(14).fill(0), outcomes: { Success: 1 } });
const period = (start: string, end: string) => ({ start, end, lines: [] });

function ledger(): UsageLedgerSpec {
  return {
    ...emptyLedger('support'),
    totals: {
      requests: 9,
      inputTokens: 900,
      outputTokens: 90,
      cachedInputTokens: 0,
      estimatedTokens: 0,
      costMicros: 0,
    },
    buckets: {
      minutes: [bucket('2026-03-31T23:59:00Z')],
      fiveMinutes: [],
      hours: [bucket('2026-03-30T10:00:00Z')],
      days: [bucket('2026-01-01T00:00:00Z'), bucket('2026-02-27T00:00:00Z'), bucket('2026-03-01T00:00:00Z')],
    },
    periods: [
      {
        reset: 'Monthly',
        timeZone: 'UTC',
        lastWanted: '2026-03-31T00:00:00Z',
        current: period('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
        previous: period('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'),
      },
    ],
    observedTargets: [
      {
        target: 'old',
        model: 'm',
        requests: 1,
        inputTokens: 1,
        outputTokens: 1,
        firstSeen: '2026-01-01T00:00:00Z',
        lastSeen: '2026-01-02T00:00:00Z',
      },
      {
        target: 'new',
        model: 'm',
        requests: 1,
        inputTokens: 1,
        outputTokens: 1,
        firstSeen: '2026-01-01T00:00:00Z',
        lastSeen: '2026-03-30T00:00:00Z',
      },
    ],
  };
}

describe('pruneLedger', () => {
  it('cuts buckets that ended before the cutoff, an old previous period and targets not seen since', () => {
    const { ledger: pruned, removed } = pruneLedger(ledger(), new Date('2026-02-28T00:00:00Z'));
    assert.equal(removed, 3);
    assert.deepEqual(
      pruned.buckets.days.map((b) => b.start),
      ['2026-03-01T00:00:00Z'],
    );
    assert.equal(
      pruned.periods[0]?.previous?.start,
      '2026-02-01T00:00:00Z',
      'February ended after the cutoff: kept',
    );
    assert.deepEqual(
      pruned.observedTargets?.map((t) => t.target),
      ['new'],
    );
    assert.deepEqual(pruned.totals, ledger().totals, 'totals are no history: kept');
    assert.equal(pruned.buckets.minutes.length, 1);
  });

  it('cuts the hours of usage per use case that ended before the cutoff', () => {
    const hour = (start: string) => ({
      start,
      lines: [
        { useCase: 'triage', model: 'gpt-4o', requests: 1, inputTokens: 10, outputTokens: 1, costMicros: 5 },
      ],
    });
    const withHours = {
      ...ledger(),
      hourlyUsage: [hour('2026-03-30T09:00:00Z'), hour('2026-03-30T10:00:00Z')],
    };
    const { ledger: pruned, removed } = pruneLedger(withHours, new Date('2026-03-30T10:30:00Z'));
    assert.deepEqual(
      pruned.hourlyUsage?.map((h) => h.start),
      ['2026-03-30T10:00:00Z'],
      'the hour the cutoff falls in is kept',
    );
    assert.ok(removed >= 1);
  });

  it('drops a previous budget period that ended before the cutoff, keeping the current one', () => {
    const { ledger: pruned } = pruneLedger(ledger(), new Date('2026-03-02T00:00:00Z'));
    assert.equal(pruned.periods[0]?.previous, undefined);
    assert.equal(pruned.periods[0]?.current.start, '2026-03-01T00:00:00Z');
  });

  it('keeps a bucket the cutoff falls in, and changes nothing when nothing is old', () => {
    const kept = pruneLedger(ledger(), new Date('2026-02-27T12:00:00Z'));
    assert.ok(kept.ledger.buckets.days.some((b) => b.start === '2026-02-27T00:00:00Z'));
    const none = pruneLedger(ledger(), new Date('2025-12-01T00:00:00Z'));
    assert.equal(none.removed, 0);
    assert.deepEqual(none.ledger, ledger());
  });
});
