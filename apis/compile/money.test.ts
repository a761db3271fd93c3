import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moneyToMicros } from './money.js';

describe('moneyToMicros', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['150', 150_000_000],
    ['12.50', 12_500_000],
    ['0.1', 100_000],
    ['2.5', 2_500_000],
    ['0.000001', 1],
    ['123456789.123456', 123_456_789_123_456],
  ];
  for (const [text, micros] of cases)
    it(`reads "${text}" as ${micros}`, () => assert.equal(moneyToMicros(text), micros));
  for (const text of ['', '-1', '1.2345678', '1,5', 'abc', '.5']) {
    it(`refuses ${JSON.stringify(text)} naming the value`, () =>
      assert.throws(
        () => moneyToMicros(text),
        new RegExp(`expected a decimal amount.*${JSON.stringify(text).replace('.', '\\.')}`),
      ));
  }
});
