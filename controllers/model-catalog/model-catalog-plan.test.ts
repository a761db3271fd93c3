import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ModelCatalog, modelCatalogSpec } from '../../apis/model-catalog.js';
import { effectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import { planModelCatalog } from './model-catalog-plan.js';

function catalog(name: string, spec: unknown, status?: ModelCatalog['status']): ModelCatalog {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'ModelCatalog',
    metadata: { name, generation: 3 },
    spec: modelCatalogSpec.parse(spec),
    ...(status ? { status } : {}),
  };
}

const NOW = new Date('2026-12-04T12:00:00Z');
const CONTRACT = catalog('contract', {
  providers: [
    {
      name: 'azure',
      currency: 'EUR',
      endpoints: [
        { host: 'agents-prod.openai.azure.com', region: 'swedencentral', jurisdiction: 'EU' },
        { host: 'eu.api.openai.com', region: 'eu', jurisdiction: 'EU' },
        { host: 'api.openai.com', region: 'eu', jurisdiction: 'EU' },
        { host: 'vllm.models.svc', region: 'local', jurisdiction: 'EU' },
      ],
      models: [
        {
          name: 'gpt-4o',
          prices: [
            { effectiveFrom: '2026-11-01', input: '2.30', output: '9.20' },
            { effectiveFrom: '2027-04-01', input: '2.10', output: '8.40' },
          ],
        },
        { name: 'acme', prices: [{ effectiveFrom: '2026-01-01', input: '1', output: '1' }] },
      ],
    },
  ],
});
const NEWER = catalog('newer', {
  providers: [
    {
      name: 'direct',
      models: [{ name: 'acme', prices: [{ effectiveFrom: '2026-06-01', input: '2', output: '2' }] }],
    },
  ],
});

describe('planModelCatalog', () => {
  const plan = planModelCatalog(CONTRACT, effectiveCatalog([CONTRACT, NEWER], NOW), NOW);

  it('counts what the catalog declares and prices now, and lists what another entry wins', () => {
    assert.equal(plan.status.models, 2);
    assert.equal(plan.status.pricedModels, 1);
    assert.deepEqual(plan.status.shadowed, [{ model: 'acme', by: 'newer/direct' }]);
    assert.equal(plan.status.builtInDefaultsAsOf, '2026-11-26');
    assert.equal(plan.status.observedGeneration, 3);
  });

  it('checks every declared host against the residency catalog', () => {
    assert.deepEqual(plan.status.endpoints, [
      { host: 'agents-prod.openai.azure.com', residency: 'Unplaced' },
      { host: 'eu.api.openai.com', residency: 'Agrees', region: 'eu', jurisdiction: 'EU' },
      { host: 'api.openai.com', residency: 'Differs', region: 'us', jurisdiction: 'US' },
      { host: 'vllm.models.svc', residency: 'ClusterInternal' },
    ]);
  });

  it('is Ready and says what it found; looks again when its next price takes effect', () => {
    const ready = plan.status.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.equal(ready?.reason, 'AcceptedWithFindings');
    assert.match(
      ready?.message ?? '',
      /2 models declared, 1 priced from this catalog now; 1 priced by another entry: acme \(by newer\/direct\); residency places api\.openai\.com in us\/US, not where declared/,
    );
    assert.equal(plan.status.nextPriceChange, '2027-04-01T00:00:00.000Z');
    assert.deepEqual(plan.result, { requeueAfter: 86_400_000 });
  });

  it('tells each new finding once in a Warning Event', () => {
    assert.deepEqual(
      plan.events.map((e) => e.event.reason),
      ['PriceShadowed', 'EndpointPlacedElsewhere'],
    );
    const again = planModelCatalog(
      { ...CONTRACT, status: plan.status },
      effectiveCatalog([CONTRACT, NEWER], NOW),
      NOW,
    );
    assert.deepEqual(again.events, []);
  });
});
