import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, retryAfterMs } from './backoff.js';

describe('backoffDelay', () => {
  // base 100 ms, max 1000 ms: [retry, random, delay]
  const cases: [number, number, number][] = [
    [0, 0, 50],
    [0, 1, 100],
    [1, 0.5, 150],
    [2, 1, 400],
    [3, 1, 800],
    [4, 1, 1000],
    [40, 0, 500],
  ];
  for (const [retry, random, delay] of cases) {
    it(`waits ${delay} ms before retry ${retry} (random ${random})`, () =>
      assert.equal(
        backoffDelay(retry, 100, 1000, () => random),
        delay,
      ));
  }
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const cases: [string | string[] | undefined, number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['2', 2000],
    ['0.5', 500],
    [['3'], 3000],
    ['Wed, 01 Jan 2025 00:00:05 GMT', 5000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ];
  for (const [header, ms] of cases) {
    it(`reads ${JSON.stringify(header)} as ${ms}`, () => assert.equal(retryAfterMs(header, now), ms));
  }
});
