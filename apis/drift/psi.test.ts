import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_BIN_SHARE, populationStabilityIndex } from './psi.js';

describe('populationStabilityIndex', () => {
  it('is 0 for the same shares, whatever the totals', () => {
    assert.equal(populationStabilityIndex([10, 20, 30], [1, 2, 3]), 0);
  });

  it('matches a value worked by hand: quarters against 10/20/30/40 %', () => {
    // (0.1−0.25)·ln(0.4) + (0.2−0.25)·ln(0.8) + (0.3−0.25)·ln(1.2) + (0.4−0.25)·ln(1.6)
    // = 0.137444 + 0.011157 + 0.009116 + 0.070500 = 0.228217
    const psi = populationStabilityIndex([25, 25, 25, 25], [10, 20, 30, 40]);
    assert.ok(psi !== undefined && Math.abs(psi - 0.228217) < 1e-6, `PSI ${psi}`);
  });

  it('is symmetric in its two sides', () => {
    const a = populationStabilityIndex([5, 1, 4], [2, 6, 2]);
    const b = populationStabilityIndex([2, 6, 2], [5, 1, 4]);
    assert.ok(a !== undefined && b !== undefined && Math.abs(a - b) < 1e-12);
  });

  it('stays finite when a bin is empty on one side: the share is floored', () => {
    // All calls moved from bin 0 to bin 1: 2 · (1 − 1e-4) · ln(1 / 1e-4).
    const psi = populationStabilityIndex([100, 0], [0, 100]);
    const expected = 2 * (1 - EMPTY_BIN_SHARE) * Math.log(1 / EMPTY_BIN_SHARE);
    assert.ok(psi !== undefined && Math.abs(psi - expected) < 1e-9, `PSI ${psi}`);
  });

  it('is undefined when a side has no calls, and refuses bins that do not line up', () => {
    assert.equal(populationStabilityIndex([0, 0], [1, 2]), undefined);
    assert.equal(populationStabilityIndex([1, 2], [0, 0]), undefined);
    assert.throws(
      () => populationStabilityIndex([1, 2], [1, 2, 3]),
      /2 baseline bins against 3 current bins/,
    );
  });
});
