import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ModelCatalog, modelCatalogSpec } from '../model-catalog.js';
import { EffectiveCatalogMemo, effectiveCatalog } from './effective-catalog.js';

function catalog(name: string, spec: unknown): ModelCatalog {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'ModelCatalog',
    metadata: { name },
    spec: modelCatalogSpec.parse(spec),
  };
}

const CONTRACT = catalog('contract', {
  exchangeRates: [{ from: 'USD', to: 'EUR', rate: '0.86', asOf: '2026-12-01' }],
  providers: [
    {
      name: 'azure',
      currency: 'EUR',
      models: [
        {
          name: 'GPT-4o-Prod',
          maxOutputTokens: 16384,
          prices: [
            { effectiveFrom: '2026-11-01', input: '2.30', output: '9.20', cachedInput: '1.15' },
            { effectiveFrom: '2027-04-01', input: '2.10', output: '8.40' },
            { effectiveFrom: '2026-01-01', input: '3.00', output: '12.00' },
          ],
        },
        { name: 'limit-only', maxOutputTokens: 1000 },
      ],
    },
  ],
});
const LIST = catalog('a-list-prices', {
  exchangeRates: [{ from: 'USD', to: 'EUR', rate: '0.90', asOf: '2026-06-01' }],
  providers: [
    {
      name: 'openai',
      models: [
        {
          name: 'gpt-4o-prod',
          maxOutputTokens: 8000,
          prices: [{ effectiveFrom: '2026-10-01', input: '2.50', output: '10' }],
        },
      ],
    },
  ],
});
const DEC_2026 = new Date('2026-12-04T12:00:00Z');

describe('effectiveCatalog', () => {
  it('takes the price in effect: the latest effectiveFrom not in the future', () => {
    const merged = effectiveCatalog([CONTRACT], DEC_2026);
    assert.deepEqual(merged.prices['gpt-4o-prod'], {
      inputPerMTok: 2_300_000,
      outputPerMTok: 9_200_000,
      cachedInputPerMTok: 1_150_000,
      currency: 'EUR',
    });
    assert.deepEqual(merged.priceSources['gpt-4o-prod'], {
      catalog: 'contract',
      provider: 'azure',
      effectiveFrom: '2026-11-01',
    });
    assert.deepEqual(merged.nextChange, new Date('2027-04-01T00:00:00Z'));
  });

  it('switches to the next price on its day, 00:00 UTC', () => {
    const merged = effectiveCatalog([CONTRACT], new Date('2027-04-01T00:00:00Z'));
    assert.equal(merged.prices['gpt-4o-prod']?.inputPerMTok, 2_100_000);
    assert.equal(merged.nextChange, undefined);
  });

  it('declares output limits, also for a model without a price', () => {
    const merged = effectiveCatalog([CONTRACT], DEC_2026);
    assert.deepEqual(merged.outputLimits, { 'gpt-4o-prod': 16384, 'limit-only': 1000 });
    assert.equal(merged.prices['limit-only'], undefined);
  });

  it('prices a model declared twice by the later effectiveFrom, and reports the loser', () => {
    const merged = effectiveCatalog([LIST, CONTRACT], DEC_2026);
    assert.equal(merged.prices['gpt-4o-prod']?.currency, 'EUR');
    assert.deepEqual(
      merged.shadowed.filter((s) => s.what === 'price'),
      [
        {
          model: 'gpt-4o-prod',
          catalog: 'a-list-prices',
          provider: 'openai',
          by: 'contract/azure',
          what: 'price',
        },
      ],
    );
    // Output limits: the first entry in catalog name order.
    assert.equal(merged.outputLimits['gpt-4o-prod'], 8000);
    assert.deepEqual(
      merged.shadowed.filter((s) => s.what === 'maxOutputTokens').map((s) => s.catalog),
      ['contract'],
    );
  });

  it('takes the exchange rate with the later asOf', () => {
    assert.deepEqual(effectiveCatalog([LIST, CONTRACT], DEC_2026).exchangeRates, [
      { from: 'USD', to: 'EUR', rate: 0.86, asOf: '2026-12-01' },
    ]);
  });

  it('gives the same answer whatever order the catalogs come in', () => {
    assert.deepEqual(
      effectiveCatalog([LIST, CONTRACT], DEC_2026),
      effectiveCatalog([CONTRACT, LIST], DEC_2026),
    );
  });

  it('leaves out a catalog being deleted', () => {
    const leaving = {
      ...CONTRACT,
      metadata: { ...CONTRACT.metadata, deletionTimestamp: '2026-12-04T00:00:00Z' },
    };
    assert.deepEqual(effectiveCatalog([leaving], DEC_2026).prices, {});
  });

  it('prices nothing before the first effectiveFrom, and says when it starts', () => {
    const merged = effectiveCatalog([CONTRACT], new Date('2025-12-31T23:59:59Z'));
    assert.equal(merged.prices['gpt-4o-prod'], undefined);
    assert.deepEqual(merged.nextChange, new Date('2026-01-01T00:00:00Z'));
  });
});

describe('EffectiveCatalogMemo', () => {
  it('computes again when a catalog changes or the next price takes effect, not otherwise', () => {
    const memo = new EffectiveCatalogMemo();
    const v1 = { ...CONTRACT, metadata: { ...CONTRACT.metadata, resourceVersion: '1' } };
    const first = memo.of([v1], DEC_2026);
    assert.equal(memo.of([v1], new Date('2027-03-31T23:59:59Z')), first);
    const april = memo.of([v1], new Date('2027-04-01T00:00:00Z'));
    assert.notEqual(april, first);
    assert.equal(april.prices['gpt-4o-prod']?.inputPerMTok, 2_100_000);
    const v2 = { ...v1, metadata: { ...v1.metadata, resourceVersion: '2' } };
    assert.notEqual(memo.of([v2], new Date('2027-04-02T00:00:00Z')), april);
    assert.equal(
      memo.of([v2], DEC_2026).prices['gpt-4o-prod']?.inputPerMTok,
      2_300_000,
      'a clock going back',
    );
  });
});
