import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearestRank } from './latency-percentile.js';

describe('nearestRank', () => {
  it('takes the smallest sample covering the share, whatever the order', () => {
    const samples = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    assert.equal(nearestRank(samples, 50), 50);
    assert.equal(nearestRank(samples, 95), 100);
    assert.equal(nearestRank(samples, 0), 10);
    assert.equal(nearestRank([7], 95), 7);
    assert.equal(nearestRank([], 50), 0);
  });
});
