import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBatch } from './apply-batch.js';
import { emptyLedger } from './ledger-name.js';
import { batch, entry } from './testdata/batches.js';
import { windowCounts } from './window-counts.js';

const MINUTE = 60_000;
const now = new Date('2025-03-11T12:07:30Z');

/** One call per minute over the last 5 days, the call of each minute `k` minutes ago failing when k % 10 == 0. */
function fiveDays() {
  const entries = [];
  for (let k = 0; k < 5 * 1440; k++) {
    const minute = new Date(Date.parse('2025-03-11T12:07:00Z') - k * MINUTE).toISOString();
    entries.push(
      entry(minute, 1, { outcomes: k % 10 === 0 ? { ServerError: 1 } : { Success: 1 }, latencyMs: 600 }),
    );
  }
  return applyBatch(emptyLedger('support'), batch(1, entries), now).ledger;
}

describe('windowCounts', () => {
  const ledger = fiveDays();
  const cases: { window: string; ms: number; calls: number }[] = [
    // The window reaches back to the start of the bucket holding its first instant (12:07:30 now).
    { window: '5m', ms: 5 * MINUTE, calls: 6 }, // minute buckets 12:02 … 12:07
    { window: '30m', ms: 30 * MINUTE, calls: 31 },
    { window: '1h', ms: 60 * MINUTE, calls: 61 },
    { window: '2h', ms: 120 * MINUTE, calls: 123 }, // from the five-minute bucket 10:05
    { window: '6h', ms: 360 * MINUTE, calls: 363 }, // from 06:05
    { window: '1d', ms: 1440 * MINUTE, calls: 1448 }, // from the hour bucket 12:00 yesterday
    { window: '3d', ms: 3 * 1440 * MINUTE, calls: 3 * 1440 + 8 },
    { window: '4d', ms: 4 * 1440 * MINUTE, calls: 4 * 1440 + 728 }, // from the day bucket 03-07
  ];
  for (const c of cases) {
    it(`counts the calls of the last ${c.window}`, () => {
      const counts = windowCounts(ledger, c.ms, now);
      assert.equal(counts.calls, c.calls);
      assert.equal(counts.latency[4], c.calls, 'every call in the 500-750 ms slot');
      assert.equal(counts.outcomes.ServerError + counts.outcomes.Success, c.calls);
    });
  }

  it('counts nothing for an empty ledger', () => {
    const counts = windowCounts(emptyLedger('a'), 3_600_000, now);
    assert.equal(counts.calls, 0);
    assert.equal(counts.latency.length, 14);
  });
});
