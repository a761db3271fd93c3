import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BudgetPeriodSpec, currentPeriod, localDate } from './budget-period.js';

describe('currentPeriod', () => {
  const cases: { name: string; period: BudgetPeriodSpec; now: string; start: string; end: string }[] = [
    {
      name: 'Daily in UTC',
      period: { reset: 'Daily', timeZone: 'UTC' },
      now: '2025-06-15T13:45:00Z',
      start: '2025-06-15T00:00:00.000Z',
      end: '2025-06-16T00:00:00.000Z',
    },
    {
      name: 'Daily in Europe/Berlin on the 23-hour day in March (DST starts)',
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      now: '2025-03-30T12:00:00Z',
      start: '2025-03-29T23:00:00.000Z',
      end: '2025-03-30T22:00:00.000Z',
    },
    {
      name: 'Daily in Europe/Berlin just before the March switch',
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      now: '2025-03-30T00:59:59Z',
      start: '2025-03-29T23:00:00.000Z',
      end: '2025-03-30T22:00:00.000Z',
    },
    {
      name: 'Daily in Europe/Berlin on the 25-hour day in October (DST ends)',
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      now: '2025-10-26T01:30:00Z',
      start: '2025-10-25T22:00:00.000Z',
      end: '2025-10-26T23:00:00.000Z',
    },
    {
      name: 'Daily in Europe/Berlin in the repeated hour of October (second pass)',
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      now: '2025-10-26T01:15:00Z',
      start: '2025-10-25T22:00:00.000Z',
      end: '2025-10-26T23:00:00.000Z',
    },
    {
      name: 'Daily in Europe/Berlin at local midnight exactly',
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      now: '2025-10-26T23:00:00Z',
      start: '2025-10-26T23:00:00.000Z',
      end: '2025-10-27T23:00:00.000Z',
    },
    {
      name: 'Daily in America/Santiago where midnight falls in the DST gap',
      period: { reset: 'Daily', timeZone: 'America/Santiago' },
      now: '2025-09-07T12:00:00Z',
      start: '2025-09-07T04:00:00.000Z',
      end: '2025-09-08T03:00:00.000Z',
    },
    {
      name: 'Weekly starts Monday 00:00 local (Berlin, mid-week)',
      period: { reset: 'Weekly', timeZone: 'Europe/Berlin' },
      now: '2025-06-18T10:00:00Z',
      start: '2025-06-15T22:00:00.000Z',
      end: '2025-06-22T22:00:00.000Z',
    },
    {
      name: 'Weekly: Sunday 23:00 in New York is still last week although it is Monday in UTC',
      period: { reset: 'Weekly', timeZone: 'America/New_York' },
      now: '2025-06-16T03:00:00Z',
      start: '2025-06-09T04:00:00.000Z',
      end: '2025-06-16T04:00:00.000Z',
    },
    {
      name: 'Weekly across the March DST switch (167-hour week)',
      period: { reset: 'Weekly', timeZone: 'Europe/Berlin' },
      now: '2025-03-30T12:00:00Z',
      start: '2025-03-23T23:00:00.000Z',
      end: '2025-03-30T22:00:00.000Z',
    },
    {
      name: 'Weekly at Monday 00:00 local exactly',
      period: { reset: 'Weekly', timeZone: 'Europe/Berlin' },
      now: '2025-03-30T22:00:00Z',
      start: '2025-03-30T22:00:00.000Z',
      end: '2025-04-06T22:00:00.000Z',
    },
    {
      name: 'Monthly in December ends at the first of January',
      period: { reset: 'Monthly', timeZone: 'Europe/Berlin' },
      now: '2025-12-31T22:30:00Z',
      start: '2025-11-30T23:00:00.000Z',
      end: '2025-12-31T23:00:00.000Z',
    },
    {
      name: 'Monthly: 00:30 on New Year local is already January',
      period: { reset: 'Monthly', timeZone: 'Europe/Berlin' },
      now: '2025-12-31T23:30:00Z',
      start: '2025-12-31T23:00:00.000Z',
      end: '2026-01-31T23:00:00.000Z',
    },
    {
      name: 'Monthly in March spans the DST switch',
      period: { reset: 'Monthly', timeZone: 'Europe/Berlin' },
      now: '2025-03-15T00:00:00Z',
      start: '2025-02-28T23:00:00.000Z',
      end: '2025-03-31T22:00:00.000Z',
    },
    {
      name: 'Monthly in February of a leap year',
      period: { reset: 'Monthly', timeZone: 'UTC' },
      now: '2028-02-29T23:59:59Z',
      start: '2028-02-01T00:00:00.000Z',
      end: '2028-03-01T00:00:00.000Z',
    },
    {
      name: 'Cron "0 6 * * 1": Mondays 06:00 Berlin, across the March switch',
      period: { reset: 'Cron', timeZone: 'Europe/Berlin', schedule: '0 6 * * 1' },
      now: '2025-03-30T12:00:00Z',
      start: '2025-03-24T05:00:00.000Z',
      end: '2025-03-31T04:00:00.000Z',
    },
    {
      name: 'Cron "0 6 * * 1" at the run instant starts a new period',
      period: { reset: 'Cron', timeZone: 'Europe/Berlin', schedule: '0 6 * * 1' },
      now: '2025-03-31T04:00:00Z',
      start: '2025-03-31T04:00:00.000Z',
      end: '2025-04-07T04:00:00.000Z',
    },
    {
      name: 'Cron "0 6 * * 1" one millisecond before the run',
      period: { reset: 'Cron', timeZone: 'Europe/Berlin', schedule: '0 6 * * 1' },
      now: '2025-03-31T03:59:59.999Z',
      start: '2025-03-24T05:00:00.000Z',
      end: '2025-03-31T04:00:00.000Z',
    },
    {
      name: 'Cron "0 6 * * 1" across the October switch',
      period: { reset: 'Cron', timeZone: 'Europe/Berlin', schedule: '0 6 * * 1' },
      now: '2025-10-26T12:00:00Z',
      start: '2025-10-20T04:00:00.000Z',
      end: '2025-10-27T05:00:00.000Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = currentPeriod(c.period, new Date(c.now));
      assert.deepEqual(
        { start: p.start.toISOString(), end: p.end.toISOString() },
        { start: c.start, end: c.end },
      );
      assert.ok(p.start.getTime() <= Date.parse(c.now) && Date.parse(c.now) < p.end.getTime());
    });
  }

  it('rolls a Daily Berlin period forward day by day for a year without gaps or overlaps', () => {
    let now = new Date('2025-01-01T12:00:00Z');
    let previous = currentPeriod({ reset: 'Daily', timeZone: 'Europe/Berlin' }, now);
    const lengths = new Set<number>();
    for (let i = 0; i < 366; i++) {
      now = previous.end;
      const next = currentPeriod({ reset: 'Daily', timeZone: 'Europe/Berlin' }, now);
      assert.equal(next.start.getTime(), previous.end.getTime());
      lengths.add((next.end.getTime() - next.start.getTime()) / 3_600_000);
      previous = next;
    }
    assert.deepEqual(
      [...lengths].sort((a, b) => a - b),
      [23, 24, 25],
    );
  });

  const refusals: { name: string; period: BudgetPeriodSpec; message: RegExp }[] = [
    {
      name: 'an unknown time zone',
      period: { reset: 'Daily', timeZone: 'Europe/Atlantis' },
      message: /timeZone "Europe\/Atlantis" is not an IANA time zone/,
    },
    {
      name: 'Cron without a schedule',
      period: { reset: 'Cron', timeZone: 'UTC' },
      message: /reset Cron needs a schedule/,
    },
    {
      name: 'a malformed schedule',
      period: { reset: 'Cron', timeZone: 'UTC', schedule: 'every monday' },
      message: /schedule "every monday" is not a five-field cron expression/,
    },
    {
      name: 'an unknown reset',
      period: { reset: 'Hourly' as 'Daily', timeZone: 'UTC' },
      message: /reset "Hourly" is not one of Daily, Weekly, Monthly, Cron/,
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, () => assert.throws(() => currentPeriod(r.period, new Date()), r.message));
  }
});

describe('localDate in UTC', () => {
  it('reads UTC off the date itself, as Intl reads it (Etc/UTC goes through Intl)', () => {
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2026, 0, 1); t += 7 * 3_600_000 + 123_457) {
      const instant = new Date(t);
      assert.deepEqual(localDate(instant, 'UTC'), localDate(instant, 'Etc/UTC'), instant.toISOString());
    }
  });
});
