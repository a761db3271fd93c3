import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyLedger } from '../apis/ledger/ledger-name.js';
import { sloAttainmentByDay } from './slo-attainment.js';

const bucket = (start: string, latency: number[], outcomes: Record<string, number>) => ({
  start,
  latency: [...latency, ...new Array(14 - latency.length).fill(0)],
  outcomes,
});

describe('sloAttainmentByDay', () => {
  const ledger = {
    ...emptyLedger('support'),
    buckets: {
      minutes: [bucket('2026-03-02T09:59:00Z', [0, 0, 0, 4], { Success: 4 })],
      fiveMinutes: [],
      hours: [bucket('2026-03-02T08:00:00Z', [0, 16], { Success: 16 })],
      days: [bucket('2026-03-01T00:00:00Z', [0, 199, 1], { Success: 199, ServerError: 1 })],
    },
  };
  const spec = { objectives: { latency: { threshold: '250ms', target: '95' }, success: { target: '99.5' } } };

  it('adds every tier into its UTC day and judges fast and successful calls against the targets', () => {
    assert.deepEqual(
      sloAttainmentByDay(spec as never, [ledger], { until: new Date('2026-03-02T10:00:00Z') }),
      [
        { day: '2026-03-01', calls: 200, fast: 1, succeeded: 0.995, met: true },
        { day: '2026-03-02', calls: 20, fast: 0.8, succeeded: 1, met: false },
      ],
    );
  });

  it('keeps to the period', () => {
    const days = sloAttainmentByDay(spec as never, [ledger], {
      since: new Date('2026-03-02T00:00:00Z'),
      until: new Date('2026-03-02T10:00:00Z'),
    });
    assert.deepEqual(
      days.map((d) => d.day),
      ['2026-03-02'],
    );
  });
});
