import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  const cases: [string, number][] = [
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['28d', 28 * 86_400_000],
    ['4w', 4 * 604_800_000],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${text} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }
  for (const text of ['', '10', 's', '10 s', '1m 30s', '10sec', '-5s']) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.ok(Number.isNaN(parseDuration(text))));
  }
});
