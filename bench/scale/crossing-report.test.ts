import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carriedBy, crossingDelays, leaseBound, overshoot } from './crossing-report.js';

describe('crossingDelays', () => {
  it('measures each holder from the crossing, a holder ahead of the ack at 0', () => {
    const delays = crossingDelays(1_000, [1_100, 1_300, 900, 1_200]);
    assert.equal(delays.holders, 4);
    assert.equal(delays.missed, 0);
    assert.equal(delays.firstMs, 0);
    assert.equal(crossingDelays(1_000, [1_100, 1_300]).firstMs, 100);
    assert.equal(delays.p50Ms, 100);
    assert.equal(delays.maxMs, 300);
  });

  it('makes p99 infinite when more than one holder in a hundred never saw the phase', () => {
    const seen = Array.from({ length: 98 }, (_, i) => 1_000 + i);
    const delays = crossingDelays(1_000, [...seen, undefined, undefined]);
    assert.equal(delays.missed, 2);
    assert.equal(delays.p99Ms, Number.POSITIVE_INFINITY);
    assert.equal(crossingDelays(1_000, [...seen, 1_050, undefined]).p99Ms, 97);
  });
});

describe('overshoot', () => {
  it('is what the store recorded past the limit, beside (N − 1)(L − U)', () => {
    assert.deepEqual(overshoot(1_000, 1_120, 3, 950), {
      limit: 1_000,
      recorded: 1_120,
      overshoot: 120,
      bound: 100,
    });
    assert.equal(overshoot(1_000, 900, 1, 500).overshoot, 0);
    assert.equal(overshoot(1_000, 900, 1, 500).bound, 0);
  });

  it('refuses a limit that is not a positive number, naming it', () => {
    assert.throws(() => overshoot(0, 1, 2, 0), /limit must be a positive number of tokens, got 0/);
  });
});

describe('leaseBound', () => {
  it('is every holder’s calls in flight times the largest call, rounded up', () => {
    assert.equal(leaseBound(1_000, 5, 551), 1_000 * 5 * 111);
    assert.equal(leaseBound(3, 1, 100), 300);
    assert.throws(() => leaseBound(3, 0, 100), /calls per batch must be at least 1, got 0/);
  });
});

describe('carriedBy', () => {
  it('counts the way each holder first held the phase, and no holder that never held it', () => {
    const holders = [
      { seenBy: new Map([['Warning', 'lease' as const]]) },
      {
        seenBy: new Map([
          ['Warning', 'policy' as const],
          ['Exhausted', 'lease' as const],
        ]),
      },
      { seenBy: new Map<string, 'lease' | 'policy'>() },
    ];
    assert.deepEqual(carriedBy(holders, 'Warning'), { lease: 1, policy: 1 });
    assert.deepEqual(carriedBy(holders, 'Exhausted'), { lease: 1, policy: 0 });
  });
});
