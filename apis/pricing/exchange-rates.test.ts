import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversionFactor, type ExchangeRate, parseRate } from './exchange-rates.js';

const RATES: ExchangeRate[] = [
  { from: 'USD', to: 'EUR', rate: 0.8, asOf: '2026-12-01' },
  { from: 'EUR', to: 'CHF', rate: 0.95, asOf: '2026-12-01' },
  { from: 'CHF', to: 'EUR', rate: 1.1, asOf: '2026-12-01' },
];

describe('conversionFactor', () => {
  const cases: [string, string, string, number | undefined][] = [
    ['the same currency', 'EUR', 'EUR', 1],
    ['a declared rate', 'USD', 'EUR', 0.8],
    ['the inverse of a declared rate', 'EUR', 'USD', 1.25],
    ['the declared direction over the inverse of the other', 'CHF', 'EUR', 1.1],
    ['no chain through a third currency', 'USD', 'CHF', undefined],
    ['a currency nobody declared', 'JPY', 'EUR', undefined],
  ];
  for (const [name, from, to, factor] of cases) {
    it(`${name}: ${from} → ${to} = ${factor}`, () => assert.equal(conversionFactor(RATES, from, to), factor));
  }
});

describe('parseRate', () => {
  for (const [text, rate] of [
    ['0.92', 0.92],
    ['1', 1],
    ['0.0000123456', 0.0000123456],
  ] as const) {
    it(`reads "${text}"`, () => assert.equal(parseRate(text), rate));
  }
  for (const text of ['0', '-1', '1,5', '', 'abc']) {
    it(`refuses ${JSON.stringify(text)} naming it`, () =>
      assert.throws(() => parseRate(text), new RegExp(`exchange rate: .*${JSON.stringify(text)}`)));
  }
});
