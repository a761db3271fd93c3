import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costMicros, pricedCost, priceFor } from './cost.js';
import type { TokenUsage } from './token-usage.js';

const usage = (
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens = 0,
  cacheWriteInputTokens?: number,
): TokenUsage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
  ...(cacheWriteInputTokens === undefined ? {} : { cacheWriteInputTokens }),
  estimated: false,
});

describe('priceFor: longest prefix of dated model names', () => {
  const cases: [string, string | undefined][] = [
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['gpt-4-0613', 'gpt-4'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['o1-mini-2024-09-12', 'o1-mini'],
    ['o3-2025-04-16', 'o3'],
    ['GPT-4o', 'gpt-4o'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet'],
    ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['gpt-4omega', undefined],
    ['o10', undefined],
    ['llama-3-70b', undefined],
  ];
  for (const [model, matched] of cases) {
    it(`${model} → ${matched ?? 'no price'}`, () => assert.equal(priceFor(model)?.matched, matched));
  }
});

describe('costMicros', () => {
  const cases: {
    name: string;
    model: string;
    usage: TokenUsage;
    micros: number;
    overrides?: Parameters<typeof costMicros>[2];
  }[] = [
    {
      name: 'gpt-4o: 1M in at $2.50 + 1M out at $10',
      model: 'gpt-4o-2024-08-06',
      usage: usage(1_000_000, 1_000_000),
      micros: 12_500_000,
    },
    {
      name: 'gpt-4o: cached input at $1.25',
      model: 'gpt-4o',
      usage: usage(2000, 100, 1000),
      micros: 2500 + 1250 + 1000,
    },
    {
      name: 'gpt-4o-mini: 1000 in, 500 out',
      model: 'gpt-4o-mini-2024-07-18',
      usage: usage(1000, 500),
      micros: 150 + 300,
    },
    {
      name: 'Claude Sonnet: cache reads at 0.1×, writes at 1.25×',
      model: 'claude-3-7-sonnet-20250219',
      usage: usage(1250, 20, 1000, 200),
      micros: 50 * 3 + 1000 * 0.3 + 200 * 3.75 + 20 * 15,
    },
    {
      name: 'embeddings: input only',
      model: 'text-embedding-3-small',
      usage: usage(1_000_000, 0),
      micros: 20_000,
    },
    { name: 'rounds to whole micro-units', model: 'gpt-4o-mini', usage: usage(3, 0), micros: 0 },
    {
      name: 'an unknown model has no cost to add (priced: false)',
      model: 'llama-3-70b',
      usage: usage(1000, 1000),
      micros: 0,
    },
    {
      name: 'a policy price overrides the built-in one',
      model: 'gpt-4o-2024-11-20',
      usage: usage(1000, 1000),
      overrides: { 'gpt-4o': { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 } },
      micros: 1000 + 2000,
    },
    {
      name: 'a policy price on a shorter prefix does not beat a longer built-in key',
      model: 'gpt-4o-mini',
      usage: usage(1000, 0),
      overrides: { 'gpt-4o': { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 } },
      micros: 150,
    },
    {
      name: 'a policy prices a model the table does not know; cached falls back to input',
      model: 'llama-3-70b-instruct',
      usage: usage(1000, 1000, 500),
      overrides: { 'llama-3-70b': { inputPerMTok: 500_000, outputPerMTok: 700_000 } },
      micros: 500 + 700,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(costMicros(c.model, c.usage, c.overrides), c.micros));
  }

  it('flags a model without a price, so usage reports and metrics can show it', () => {
    assert.deepEqual(pricedCost('my-local-model', usage(10, 10)), {
      costMicros: 0,
      currency: 'USD',
      priced: false,
    });
    assert.deepEqual(pricedCost('gpt-4o-2024-08-06', usage(1_000_000, 0)), {
      costMicros: 2_500_000,
      currency: 'USD',
      priced: true,
      matched: 'gpt-4o',
    });
  });

  it('costs a call in the currency of its declared price', () => {
    const declared = { 'acme-large': { inputPerMTok: 2_000_000, outputPerMTok: 8_000_000, currency: 'EUR' } };
    assert.deepEqual(pricedCost('acme-large-2026-11', usage(1_000_000, 500_000), declared), {
      costMicros: 6_000_000,
      currency: 'EUR',
      priced: true,
      matched: 'acme-large',
    });
  });
});
