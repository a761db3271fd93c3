import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UNPRICED_MODEL_RULES } from '../token-budget.js';
import { BudgetPricing, highestKnownPrice } from './budget-pricing.js';
import type { ExchangeRate } from './exchange-rates.js';
import type { DeclaredPrices } from './price-lookup.js';

type Rule = (typeof UNPRICED_MODEL_RULES)[number];

/** Declared in EUR: 2 EUR in, 8 EUR out per MTok. */
const DECLARED: DeclaredPrices = {
  'acme-large': { inputPerMTok: 2_000_000, outputPerMTok: 8_000_000, currency: 'EUR' },
  'pound-model': { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000, currency: 'GBP' },
};
const USD_TO_EUR: ExchangeRate[] = [{ from: 'USD', to: 'EUR', rate: 0.5 }];
/** 1M input and 1M output tokens: the cost is the sum of the two prices per MTok. */
const MILLION = { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 0 };
/** The built-in table's highest prices: o1-pro, $150 in and $600 out per MTok. */
const HIGHEST_USD = { input: 150_000_000, output: 600_000_000 };

describe('BudgetPricing.callCost: a call in the budget currency, by the rule when unpriced', () => {
  const cases: {
    name: string;
    currency: string;
    rule: Rule;
    model: string;
    rates?: ExchangeRate[];
    costMicros: number;
    unpriced?: { reason: string; priceCurrency?: string; countedAtHighest: boolean };
  }[] = [
    {
      name: 'declared EUR price, EUR budget',
      currency: 'EUR',
      rule: 'Refuse',
      model: 'acme-large',
      costMicros: 10_000_000,
    },
    {
      name: 'declared EUR price, USD budget: the inverse of the USD → EUR rate',
      currency: 'USD',
      rule: 'Refuse',
      model: 'acme-large',
      rates: USD_TO_EUR,
      costMicros: 20_000_000,
    },
    {
      name: 'built-in USD price, EUR budget with a rate',
      currency: 'EUR',
      rule: 'TokensOnly',
      model: 'gpt-4o-2024-08-06',
      rates: USD_TO_EUR,
      costMicros: 6_250_000,
    },
    {
      name: 'built-in USD price, EUR budget without a rate, TokensOnly: not counted, said so',
      currency: 'EUR',
      rule: 'TokensOnly',
      model: 'gpt-4o',
      costMicros: 0,
      unpriced: { reason: 'UnconvertibleCurrency', priceCurrency: 'USD', countedAtHighest: false },
    },
    {
      name: 'a GBP price, EUR budget, HighestKnownPrice: at the highest EUR-convertible price',
      currency: 'EUR',
      rule: 'HighestKnownPrice',
      model: 'pound-model',
      costMicros: 10_000_000,
      unpriced: { reason: 'UnconvertibleCurrency', priceCurrency: 'GBP', countedAtHighest: true },
    },
    {
      name: 'unpriced model, USD budget, HighestKnownPrice: at o1-pro list prices',
      currency: 'USD',
      rule: 'HighestKnownPrice',
      model: 'llama-3-70b',
      costMicros: HIGHEST_USD.input + HIGHEST_USD.output,
      unpriced: { reason: 'UnpricedModel', countedAtHighest: true },
    },
    {
      name: 'unpriced model, USD budget, Refuse (a call that got through): at the highest price',
      currency: 'USD',
      rule: 'Refuse',
      model: 'llama-3-70b',
      costMicros: HIGHEST_USD.input + HIGHEST_USD.output,
      unpriced: { reason: 'UnpricedModel', countedAtHighest: true },
    },
    {
      name: 'unpriced model, TokensOnly: cost 0, said so',
      currency: 'USD',
      rule: 'TokensOnly',
      model: 'llama-3-70b',
      costMicros: 0,
      unpriced: { reason: 'UnpricedModel', countedAtHighest: false },
    },
    {
      name: 'unpriced model, JPY budget nothing converts into: no highest price to count at',
      currency: 'JPY',
      rule: 'HighestKnownPrice',
      model: 'llama-3-70b',
      costMicros: 0,
      unpriced: { reason: 'UnpricedModel', countedAtHighest: false },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pricing = new BudgetPricing({
        currency: c.currency,
        rule: c.rule,
        declared: DECLARED,
        rates: c.rates ?? [],
      });
      const counted = pricing.callCost(c.model, MILLION);
      assert.equal(counted.costMicros, c.costMicros);
      assert.deepEqual(counted.unpriced, c.unpriced);
      assert.equal(pricing.of(c.model).priced, c.unpriced === undefined);
    });
  }
});

describe('BudgetPricing.lineCost: a ledger line in the budget currency', () => {
  const eur = new BudgetPricing({
    currency: 'EUR',
    rule: 'HighestKnownPrice',
    declared: {},
    rates: USD_TO_EUR,
  });
  const line = { ...MILLION, costMicros: 3_000_001 };
  it('converts a line without a currency as USD (lines recorded before currencies)', () =>
    assert.deepEqual(eur.lineCost(line), { costMicros: 1_500_001 }));
  it('keeps a EUR line as it is', () =>
    assert.deepEqual(eur.lineCost({ ...line, currency: 'EUR' }), { costMicros: 3_000_001 }));
  it('counts a line in a currency it cannot convert by the rule', () =>
    assert.deepEqual(eur.lineCost({ ...line, currency: 'GBP' }), {
      costMicros: (HIGHEST_USD.input + HIGHEST_USD.output) / 2,
      unpriced: { reason: 'UnconvertibleCurrency', priceCurrency: 'GBP', countedAtHighest: true },
    }));
  it('counts an unpriced line by the rule, whatever its recorded cost', () =>
    assert.deepEqual(eur.lineCost({ ...line, costMicros: 0, unpriced: true }), {
      costMicros: (HIGHEST_USD.input + HIGHEST_USD.output) / 2,
      unpriced: { reason: 'UnpricedModel', countedAtHighest: true },
    }));
});

describe('highestKnownPrice', () => {
  it('takes the highest input and output price apart, from built-in and declared', () => {
    const declared: DeclaredPrices = {
      'long-writer': { inputPerMTok: 1_000_000, outputPerMTok: 700_000_000, currency: 'USD' },
    };
    assert.deepEqual(highestKnownPrice(declared, [], 'USD'), {
      inputPerMTok: 150_000_000,
      outputPerMTok: 700_000_000,
      currency: 'USD',
      inputModel: 'o1-pro',
      outputModel: 'long-writer',
    });
  });
  it('lets a declared price replace the built-in one of the same model', () => {
    const declared: DeclaredPrices = { 'o1-pro': { inputPerMTok: 1, outputPerMTok: 1, currency: 'USD' } };
    const highest = highestKnownPrice(declared, [], 'USD');
    assert.equal(highest?.inputModel, 'gpt-4.5-preview');
    assert.equal(highest?.inputPerMTok, 75_000_000);
  });
  it('converts into the budget currency and skips what does not convert', () => {
    const highest = highestKnownPrice(DECLARED, USD_TO_EUR, 'EUR');
    assert.equal(highest?.inputPerMTok, 75_000_000);
    assert.equal(highest?.outputPerMTok, 300_000_000);
  });
  it('is undefined when nothing known converts', () =>
    assert.equal(highestKnownPrice(DECLARED, [], 'JPY'), undefined));
});
