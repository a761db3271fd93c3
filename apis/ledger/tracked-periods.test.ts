import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BudgetPeriodSpec } from '../budget-period.js';
import { MAX_TRACKED_PERIODS, PERIOD_RETENTION_DAYS } from '../usage-ledger.js';
import { applyBatch } from './apply-batch.js';
import { emptyLedger } from './ledger-name.js';
import { periodTotals } from './period-totals.js';
import { batch, entry } from './testdata/batches.js';
import { periodKey, periodTrackingDue, trackPeriods } from './tracked-periods.js';

const DAY = 86_400_000;
const daily: BudgetPeriodSpec = { reset: 'Daily', timeZone: 'UTC' };

describe('trackPeriods', () => {
  const cases: { name: string; now: string; period: BudgetPeriodSpec; start: string; since?: string }[] = [
    {
      name: 'a budget created mid-day counts from now',
      now: '2025-03-11T15:00:00Z',
      period: daily,
      start: '2025-03-11T00:00:00.000Z',
      since: '2025-03-11T15:00:00.000Z',
    },
    {
      name: 'a budget created at the reset counts the whole period',
      now: '2025-03-11T00:00:00Z',
      period: daily,
      start: '2025-03-11T00:00:00.000Z',
    },
    {
      name: 'a monthly period in New York starts at local midnight of the 1st',
      now: '2025-03-11T15:00:00Z',
      period: { reset: 'Monthly', timeZone: 'America/New_York' },
      start: '2025-03-01T05:00:00.000Z',
      since: '2025-03-11T15:00:00.000Z',
    },
    {
      name: 'a cron period starts at the last run',
      now: '2025-03-11T15:00:00Z',
      period: { reset: 'Cron', timeZone: 'UTC', schedule: '30 6 * * *' },
      start: '2025-03-11T06:30:00.000Z',
      since: '2025-03-11T15:00:00.000Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ledger = trackPeriods(emptyLedger('a'), [c.period], new Date(c.now));
      const [tracked] = ledger.periods;
      assert.equal(tracked?.current.start, c.start);
      assert.equal(tracked?.trackedSince, c.since);
      assert.equal(periodTotals(ledger, c.period, new Date(c.now))?.trackedSince?.toISOString(), c.since);
    });
  }

  it('keeps the counts of a period it already tracks', () => {
    let ledger = trackPeriods(emptyLedger('support'), [daily], new Date('2025-03-11T00:00:00Z'));
    ledger = applyBatch(
      ledger,
      batch(1, [entry('2025-03-11T01:00:00Z', 5)]),
      new Date('2025-03-11T01:01:00Z'),
    ).ledger;
    ledger = trackPeriods(
      ledger,
      [daily, { reset: 'Weekly', timeZone: 'UTC' }],
      new Date('2025-03-11T02:00:00Z'),
    );
    assert.equal(periodTotals(ledger, daily, new Date('2025-03-11T02:00:00Z'))?.requests, 5);
    assert.equal(
      periodTotals(ledger, { reset: 'Weekly', timeZone: 'UTC' }, new Date('2025-03-11T02:00:00Z'))?.requests,
      0,
    );
  });

  it(`drops a period no budget wanted for ${PERIOD_RETENTION_DAYS} days, and not before`, () => {
    const weekly: BudgetPeriodSpec = { reset: 'Weekly', timeZone: 'UTC' };
    const t0 = Date.parse('2025-03-11T00:00:00Z');
    const ledger = trackPeriods(emptyLedger('a'), [daily, weekly], new Date(t0));
    const kept = trackPeriods(ledger, [daily], new Date(t0 + PERIOD_RETENTION_DAYS * DAY));
    assert.deepEqual(kept.periods.map((p) => p.reset).sort(), ['Daily', 'Weekly']);
    const dropped = trackPeriods(ledger, [daily], new Date(t0 + PERIOD_RETENTION_DAYS * DAY + 1));
    assert.deepEqual(
      dropped.periods.map((p) => p.reset),
      ['Daily'],
    );
  });

  it(`tracks at most ${MAX_TRACKED_PERIODS} periods, the most recently wanted`, () => {
    const zones = ['UTC', 'Europe/Berlin', 'Europe/London', 'Asia/Tokyo', 'Asia/Kolkata', 'America/Chicago'];
    const many = zones.flatMap((timeZone) => [
      { reset: 'Daily', timeZone } as const,
      { reset: 'Weekly', timeZone } as const,
    ]);
    const ledger = trackPeriods(emptyLedger('a'), many, new Date('2025-03-11T00:00:00Z'));
    assert.equal(ledger.periods.length, MAX_TRACKED_PERIODS);
    const later = trackPeriods(
      ledger,
      [{ reset: 'Monthly', timeZone: 'UTC' }],
      new Date('2025-03-11T00:01:00Z'),
    );
    assert.ok(later.periods.some((p) => p.reset === 'Monthly'));
    assert.equal(later.periods.length, MAX_TRACKED_PERIODS);
  });

  it('skips a period whose time zone is unknown', () => {
    const ledger = trackPeriods(
      emptyLedger('a'),
      [{ reset: 'Daily', timeZone: 'Mars/Olympus' }, daily],
      new Date(),
    );
    assert.deepEqual(
      ledger.periods.map((p) => p.timeZone),
      ['UTC'],
    );
  });

  it('tells periods apart by reset, time zone and schedule', () => {
    const keys = new Set(
      [
        daily,
        { reset: 'Daily', timeZone: 'Europe/Berlin' },
        { reset: 'Weekly', timeZone: 'UTC' },
        { reset: 'Cron', timeZone: 'UTC', schedule: '0 6 * * *' },
        { reset: 'Cron', timeZone: 'UTC', schedule: '0 7 * * *' },
      ].map((p) => periodKey(p as BudgetPeriodSpec)),
    );
    assert.equal(keys.size, 5);
  });

  it('says when a budget must (re)register its period: missing, or last wanted over a day ago', () => {
    const t0 = new Date('2025-03-11T00:00:00Z');
    const ledger = trackPeriods(emptyLedger('a'), [daily], t0);
    assert.equal(periodTrackingDue(emptyLedger('a'), daily, t0), true);
    assert.equal(periodTrackingDue(ledger, daily, new Date(t0.getTime() + DAY)), false);
    assert.equal(periodTrackingDue(ledger, daily, new Date(t0.getTime() + DAY + 1)), true);
    assert.equal(periodTrackingDue(ledger, { reset: 'Weekly', timeZone: 'UTC' }, t0), true);
  });
});
