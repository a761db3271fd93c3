import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetForecast, timeOfDayShape } from './budget-forecast.js';

const HOUR = 3_600_000;
const day = (iso: string) => ({
  start: new Date(`${iso}T00:00:00Z`),
  end: new Date(Date.parse(`${iso}T00:00:00Z`) + 24 * HOUR),
});

/** Two days of office-hours traffic (08:00–18:00 UTC, 1000 tokens an hour) before 2025-03-12. */
function officeHours(until: string): { start: number; tokens: number }[] {
  const hours = [];
  for (let t = Date.parse('2025-03-10T00:00:00Z'); t < Date.parse(until); t += HOUR) {
    const h = new Date(t).getUTCHours();
    hours.push({ start: t, tokens: h >= 8 && h < 18 ? 1000 : 0 });
  }
  return hours;
}

describe('budgetForecast', () => {
  const cases: {
    name: string;
    now: string;
    percent: number;
    hourly?: { start: number; tokens: number }[];
    trackedSince?: string;
    expect: { percent: number; method: string; alertable: boolean } | undefined;
  }[] = [
    {
      name: 'without a day of hourly usage: the mean rate, carried to the end (30 % at 06:00 → 120 %)',
      now: '2025-03-12T06:00:00Z',
      percent: 30,
      expect: { percent: 120, method: 'Linear', alertable: true },
    },
    {
      name: 'office hours, at noon: the busy afternoon is still to come (40 % → 97.8 %, linear would say 80 %)',
      now: '2025-03-12T12:00:00Z',
      percent: 40,
      hourly: officeHours('2025-03-12T12:00:00Z'),
      expect: { percent: (40 * 11000) / 4500, method: 'TimeOfDay', alertable: true },
    },
    {
      name: 'office hours, at 20:00: the quiet night adds little (90 % → 91.4 %, linear would say 108 %)',
      now: '2025-03-12T20:00:00Z',
      percent: 90,
      hourly: officeHours('2025-03-12T20:00:00Z'),
      expect: { percent: (90 * 11000) / (11000 - 166.66666666666669), method: 'TimeOfDay', alertable: true },
    },
    {
      name: 'counting started mid-period: the rate is taken from then (10 % in the 2 h since 12:00, 10 h to go → 60 %)',
      now: '2025-03-12T14:00:00Z',
      percent: 10,
      trackedSince: '2025-03-12T12:00:00Z',
      expect: { percent: 60, method: 'Linear', alertable: true },
    },
    {
      name: 'half an hour into the period: shown, not yet alertable',
      now: '2025-03-12T00:30:00Z',
      percent: 1,
      expect: { percent: 48, method: 'Linear', alertable: false },
    },
    {
      name: 'ten minutes into the period: too early to say',
      now: '2025-03-12T00:10:00Z',
      percent: 1,
      expect: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const forecast = budgetForecast({
        percent: c.percent,
        tokens: c.percent * 1000,
        costMicros: c.percent * 10,
        period: day('2025-03-12'),
        ...(c.trackedSince ? { trackedSince: new Date(c.trackedSince) } : {}),
        now: new Date(c.now),
        hourly: c.hourly ?? [],
      });
      if (c.expect === undefined) {
        assert.equal(forecast, undefined);
        return;
      }
      assert.ok(forecast);
      assert.ok(
        Math.abs(forecast.percent - c.expect.percent) < 1e-6,
        `${forecast.percent} ≈ ${c.expect.percent}`,
      );
      assert.equal(forecast.method, c.expect.method);
      assert.equal(forecast.alertable, c.expect.alertable);
      assert.equal(forecast.tokens, Math.round(c.percent * 1000 * (forecast.percent / c.percent)));
    });
  }

  it('no forecast once the period is over', () => {
    const period = day('2025-03-12');
    assert.equal(
      budgetForecast({ percent: 50, tokens: 1, costMicros: 0, period, now: period.end, hourly: [] }),
      undefined,
    );
  });
});

describe('timeOfDayShape', () => {
  it('needs a full day of hourly usage', () => {
    const now = Date.parse('2025-03-10T20:00:00Z');
    assert.equal(timeOfDayShape(officeHours('2025-03-10T20:00:00Z'), now), undefined);
  });

  it('weighs busy hours by their tokens and keeps a floor for quiet ones', () => {
    const now = Date.parse('2025-03-12T00:30:00Z');
    const shape = timeOfDayShape(officeHours('2025-03-12T00:30:00Z'), now);
    assert.ok(shape);
    assert.ok(Math.abs((shape[9] ?? 0) - (1000 + 0.1 * (10_000 / 24))) < 1e-9);
    assert.ok(Math.abs((shape[3] ?? 0) - 0.1 * (10_000 / 24)) < 1e-9);
  });
});
