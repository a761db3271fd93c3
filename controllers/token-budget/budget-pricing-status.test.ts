import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentWorkloadsIn } from '../../agents/selected-agents.js';
import { entry } from '../../apis/ledger/testdata/batches.js';
import type { EffectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import type { TokenBudgetSpec, TokenBudgetStatus } from '../../apis/token-budget.js';
import {
  agentDeployment,
  NAMESPACE,
  NOON,
  spec,
  tokenBudget,
  usageLedger,
} from './testdata/budget-objects.js';
import { type EnforcedBudget, planTokenBudget, settleTokenBudget } from './token-budget-plan.js';

/** A cost budget of 10 EUR a day. */
const eurSpec = (unpricedModels: TokenBudgetSpec['unpricedModels']): TokenBudgetSpec => ({
  ...spec,
  limits: { cost: '10', currency: 'EUR' },
  thresholds: [],
  unpricedModels,
});
/** Declared: acme-large at 2 EUR in, 8 EUR out per MTok; USD → EUR at 0.5. */
const CATALOG: Pick<EffectiveCatalog, 'prices' | 'exchangeRates'> = {
  prices: { 'acme-large': { inputPerMTok: 2_000_000, outputPerMTok: 8_000_000, currency: 'EUR' } },
  exchangeRates: [{ from: 'USD', to: 'EUR', rate: 0.5, asOf: '2026-12-01' }],
};
const AT = '2025-03-11T11:00:00Z';
/** 1M input and 1M output tokens in one call. */
const call = (model: string, extra: Partial<ReturnType<typeof entry>> = {}) =>
  entry(AT, 1, { model, inputTokens: 1_000_000, outputTokens: 1_000_000, ...extra });

function plan(budgetSpec: TokenBudgetSpec, entries: ReturnType<typeof entry>[], status?: TokenBudgetStatus) {
  const ledger = usageLedger('support', 0, entries);
  const planned = planTokenBudget({
    budget: tokenBudget({ spec: budgetSpec, ...(status ? { status } : {}) }),
    workloads: agentWorkloadsIn([agentDeployment('support')], NAMESPACE),
    ledger: (agent) => (agent === 'support' ? ledger : undefined),
    catalog: CATALOG,
    now: NOON,
  });
  assert.equal(planned.kind, 'enforce');
  return planned as EnforcedBudget;
}

function settled(p: EnforcedBudget): TokenBudgetStatus {
  const result = settleTokenBudget(
    p,
    { conflicts: [], lastWriteAt: undefined, at: 0 },
    { countersPaceMs: 3_000, maxRequeueMs: 300_000 },
  );
  assert.ok('write' in result);
  return result.write;
}

const condition = (status: TokenBudgetStatus) => status.conditions?.find((c) => c.type === 'PricingComplete');

describe('a cost budget counts every line in its currency, and what it cannot price by its rule', () => {
  const cases: {
    name: string;
    rule: TokenBudgetSpec['unpricedModels'];
    entries: ReturnType<typeof entry>[];
    cost: string;
    phase: string;
    complete: string;
    unpriced?: unknown;
  }[] = [
    {
      name: 'declared EUR prices: 10 EUR of 10 EUR, exhausted at the right amount',
      rule: 'Refuse',
      entries: [call('acme-large', { costMicros: 10_000_000, currency: 'EUR' })],
      cost: '10.00',
      phase: 'Exhausted',
      complete: 'True/AllCallsPriced',
    },
    {
      name: 'a USD line converted with the declared rate',
      rule: 'Refuse',
      entries: [call('gpt-4o', { costMicros: 12_500_000 })],
      cost: '6.25',
      phase: 'Active',
      complete: 'True/AllCallsPriced',
    },
    {
      name: 'an unpriced model, HighestKnownPrice: at o1-pro list prices in EUR (75 + 300)',
      rule: 'HighestKnownPrice',
      entries: [call('mystery-model', { costMicros: 0, unpriced: true })],
      cost: '375.00',
      phase: 'Exhausted',
      complete: 'False/UnpricedModel',
      unpriced: [
        {
          model: 'mystery-model',
          reason: 'UnpricedModel',
          calls: 1,
          tokens: 2_000_000,
          countedCost: '375.00',
        },
      ],
    },
    {
      name: 'an unpriced model, TokensOnly: tokens counted, cost not',
      rule: 'TokensOnly',
      entries: [call('mystery-model', { costMicros: 0, unpriced: true })],
      cost: '0.00',
      phase: 'Active',
      complete: 'False/UnpricedModel',
      unpriced: [
        { model: 'mystery-model', reason: 'UnpricedModel', calls: 1, tokens: 2_000_000, countedCost: '0.00' },
      ],
    },
    {
      name: 'refused calls of an unpriced model, Refuse: reported, nothing to count',
      rule: 'Refuse',
      entries: [
        entry(AT, 3, {
          model: 'mystery-model',
          inputTokens: 0,
          outputTokens: 0,
          costMicros: 0,
          unpriced: true,
        }),
      ],
      cost: '0.00',
      phase: 'Active',
      complete: 'False/UnpricedModel',
      unpriced: [
        { model: 'mystery-model', reason: 'UnpricedModel', calls: 3, tokens: 0, countedCost: '0.00' },
      ],
    },
    {
      name: 'a price in GBP nothing converts, TokensOnly',
      rule: 'TokensOnly',
      entries: [call('pound-model', { costMicros: 1_000_000, currency: 'GBP' })],
      cost: '0.00',
      phase: 'Active',
      complete: 'False/UnconvertibleCurrency',
      unpriced: [
        {
          model: 'pound-model',
          reason: 'UnconvertibleCurrency',
          currency: 'GBP',
          calls: 1,
          tokens: 2_000_000,
          countedCost: '0.00',
        },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = settled(plan(eurSpec(c.rule), c.entries));
      assert.equal(status.used?.cost, c.cost);
      assert.equal(status.phase, c.phase);
      const found = condition(status);
      assert.equal(`${found?.status}/${found?.reason}`, c.complete);
      assert.deepEqual(status.pricing?.unpriced, c.unpriced);
      assert.equal(
        status.conditions?.find((x) => x.type === 'Ready')?.status,
        'True',
        'the budget stays Ready',
      );
    });
  }

  it('names the model, the currency and what was counted in the condition', () => {
    const status = settled(
      plan(eurSpec('HighestKnownPrice'), [call('mystery-model', { costMicros: 0, unpriced: true })]),
    );
    assert.match(
      condition(status)?.message ?? '',
      /1 call this period could not be priced in EUR: model "mystery-model" has no price\. Counted at the highest known price \(75\.00 EUR input, of o1-pro; 300\.00 EUR output, of o1-pro; per million tokens\): 375\.00 EUR/,
    );
    assert.deepEqual(status.pricing?.highestKnownPrice, {
      input: '75.00',
      output: '300.00',
      inputModel: 'o1-pro',
      outputModel: 'o1-pro',
    });
  });

  it('plans a Warning Event when a model first shows up, and not again once the status lists it', () => {
    const entries = [call('mystery-model', { costMicros: 0, unpriced: true })];
    const first = plan(eurSpec('TokensOnly'), entries);
    const step = first.steps.find((s) => s.step === 'record-events');
    assert.ok(step && step.step === 'record-events');
    assert.equal(step.events.length, 1);
    assert.equal(step.events[0]?.event.type, 'Warning');
    assert.equal(step.events[0]?.event.reason, 'UnpricedModel');
    assert.match(step.events[0]?.event.note ?? '', /model "mystery-model" has no price \(1 call so far\)/);
    const again = plan(eurSpec('TokensOnly'), entries, settled(first));
    assert.equal(
      again.steps.find((s) => s.step === 'record-events'),
      undefined,
    );
    assert.deepEqual(
      again.gauges.unpriced.map((u) => [u.model, u.reason, u.calls]),
      [['mystery-model', 'UnpricedModel', 1]],
    );
  });

  it('leaves a budget with a token limit alone', () => {
    const status = settled(
      plan({ ...spec, unpricedModels: 'Refuse' }, [call('mystery-model', { unpriced: true })]),
    );
    assert.equal(condition(status), undefined);
    assert.equal(status.pricing, undefined);
    assert.equal(status.used?.tokens, 2_000_000);
  });
});
