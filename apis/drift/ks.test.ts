import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kolmogorovSmirnov } from './ks.js';

describe('kolmogorovSmirnov', () => {
  it('is 0 for the same shares, whatever the totals', () => {
    assert.equal(kolmogorovSmirnov([10, 20, 30], [1, 2, 3]), 0);
  });

  it('is the largest gap between the cumulative shares', () => {
    // Cumulative 0.25, 0.5, 0.75, 1 against 0, 0, 0.5, 1: largest gap 0.5 (second bin).
    assert.equal(kolmogorovSmirnov([1, 1, 1, 1], [0, 0, 2, 2]), 0.5);
    // 0.1, 0.3, 0.6, 1 against 0.4, 0.7, 0.9, 1: gaps 0.3, 0.4, 0.3.
    const d = kolmogorovSmirnov([1, 2, 3, 4], [4, 3, 2, 1]);
    assert.ok(d !== undefined && Math.abs(d - 0.4) < 1e-12, `D ${d}`);
  });

  it('is 1 when the two sides share no bin', () => {
    assert.equal(kolmogorovSmirnov([7, 0, 0], [0, 0, 3]), 1);
  });

  it('is undefined when a side has no calls, and refuses bins that do not line up', () => {
    assert.equal(kolmogorovSmirnov([0, 0], [1, 2]), undefined);
    assert.throws(() => kolmogorovSmirnov([1], [1, 2]), /1 baseline bins against 2 current bins/);
  });
});
