import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize } from './latency-summary.js';

describe('summarize', () => {
  const cases: [number[], { median: number; p99: number; mean: number }][] = [
    [[5], { median: 5, p99: 5, mean: 5 }],
    [[3, 1, 2], { median: 2, p99: 3, mean: 2 }],
    [[1, 2, 3, 4], { median: 2, p99: 4, mean: 2.5 }],
    [Array.from({ length: 100 }, (_, i) => 100 - i), { median: 50, p99: 99, mean: 50.5 }],
    [[...Array.from({ length: 199 }, () => 1), 1000], { median: 1, p99: 1, mean: 5.995 }],
  ];
  for (const [samples, expected] of cases) {
    it(`summarizes ${samples.length} samples`, () => {
      const summary = summarize(samples);
      assert.equal(summary.count, samples.length);
      assert.equal(summary.median, expected.median);
      assert.equal(summary.p99, expected.p99);
      assert.ok(Math.abs(summary.mean - expected.mean) < 1e-9);
    });
  }
  it('has no statistics without samples', () => assert.ok(Number.isNaN(summarize([]).median)));
});
