import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HeldLease, leaseUsedTokens, nextRate, renewalDue, sliceRoom } from './lease-slice.js';

const lease: HeldLease = {
  granted: 1_000,
  settledAtAsk: 5_000,
  askedAt: 0,
  expiresAt: 5_000,
  counted: 40_000,
  periodEnd: '2026-12-07T00:00:00.000Z',
  lowWater: 200,
};

describe('lease slices', () => {
  it('leaves the slice minus what settled since the ask and what calls in flight reserve', () => {
    assert.equal(sliceRoom(lease, 5_300, 200), 500);
    assert.equal(sliceRoom(lease, 6_200, 0), -200, 'a call may use more than it reserved');
  });

  it('counts the budget as the services did, plus this sidecar’s usage since', () => {
    assert.equal(leaseUsedTokens(lease, 5_250), 40_250);
  });

  const use = { settled: 5_000, reserved: 0, ratePerSecond: 100, callTokens: 100 };
  const cases: [string, HeldLease | undefined, number, typeof use, boolean][] = [
    ['no lease yet', undefined, 0, use, true],
    ['early in the lease, room left', lease, 1_000, use, false],
    ['half the lease time gone', lease, 2_500, use, true],
    ['less than one call left', lease, 1_000, { ...use, settled: 5_950 }, true],
    [
      'less than half a second of calls left',
      lease,
      1_000,
      { ...use, ratePerSecond: 2_000, settled: 5_100 },
      true,
    ],
  ];
  for (const [name, held, now, u, due] of cases) {
    it(`renewal is ${due ? '' : 'not '}due: ${name}`, () => assert.equal(renewalDue(held, now, u), due));
  }

  it('smooths the rate', () => {
    assert.equal(nextRate(0, 1_000, 1_000), 500);
    assert.equal(nextRate(500, 1_000, 1_000), 750);
    assert.equal(nextRate(500, 0, 0), 500);
  });
});
