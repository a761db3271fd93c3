import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBatch } from '../../apis/ledger/apply-batch.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import { trackPeriods } from '../../apis/ledger/tracked-periods.js';
import { type TokenBudgetSpec, tokenBudgetStatus } from '../../apis/token-budget.js';
import { budgetPhase } from './budget-phase.js';
import { budgetStatus } from './budget-status.js';
import { budgetUsage } from './budget-usage.js';
import { microsToMoney } from './money-amount.js';

const spec: Pick<TokenBudgetSpec, 'limits' | 'thresholds' | 'period' | 'useCases'> = {
  period: { reset: 'Daily', timeZone: 'UTC' },
  limits: { tokens: 10_000, cost: '1.00', currency: 'USD' },
  thresholds: [
    { percent: 75, actions: ['Alert', 'Degrade'] },
    { percent: 100, actions: ['Suspend'] },
  ],
};
const now = new Date('2025-03-11T12:00:00Z');

function ledger(agent: string, calls: number, useCase?: string) {
  const tracked = trackPeriods(emptyLedger(agent), [spec.period], new Date('2025-03-11T00:00:00Z'));
  const e = entry('2025-03-11T11:00:00Z', calls, useCase ? { useCase } : {});
  return applyBatch(tracked, batch(1, [e], { agent }), now).ledger;
}

describe('budgetUsage', () => {
  it('sums the selected agents in the budget period, most tokens first', () => {
    const usage = budgetUsage(spec, [ledger('support', 10), ledger('marketing', 60)], now);
    assert.deepEqual(usage.total, {
      tokens: 70 * 110,
      inputTokens: 7_000,
      outputTokens: 700,
      cachedInputTokens: 0,
      costMicros: 70_000,
      requests: 70,
    });
    assert.deepEqual(
      usage.agents.map((a) => [a.name, a.tokens]),
      [
        ['marketing', 6_600],
        ['support', 1_100],
      ],
    );
    assert.equal(usage.trackedSince, undefined);
  });

  it('counts only the budget use cases', () => {
    const usage = budgetUsage(
      { ...spec, useCases: ['chat'] },
      [ledger('a', 10, 'chat'), ledger('b', 5, 'batch')],
      now,
    );
    assert.equal(usage.total.requests, 10);
  });

  it('counts an agent whose ledger does not track the period as zero', () => {
    const untracked = emptyLedger('new-agent');
    const usage = budgetUsage(spec, [untracked], now);
    assert.equal(usage.total.tokens, 0);
    assert.deepEqual(
      usage.agents.map((a) => a.name),
      ['new-agent'],
    );
  });
});

describe('budgetStatus', () => {
  const usage = budgetUsage(spec, [ledger('support', 10), ledger('marketing', 60)], now);
  const decision = budgetPhase(spec, { tokens: usage.total.tokens, costMicros: usage.total.costMicros }, now);

  it('writes usage, percent, phase, period, actions, agents and Ready', () => {
    const status = budgetStatus({
      spec,
      generation: 3,
      decision,
      usage,
      suspended: [{ kind: 'Deployment', name: 'marketing', previousReplicas: 2 }],
      now,
    });
    assert.ok(tokenBudgetStatus.safeParse(status).success, 'matches the CRD schema');
    assert.equal(status.phase, 'Warning');
    assert.equal(status.percent, 77);
    assert.deepEqual(status.used, {
      tokens: 7_700,
      inputTokens: 7_000,
      outputTokens: 700,
      cachedInputTokens: 0,
      cost: '0.07',
    });
    assert.deepEqual(status.activeActions, ['Alert', 'Degrade']);
    assert.equal(status.periodStart, '2025-03-11T00:00:00.000Z');
    assert.equal(status.periodEnd, '2025-03-12T00:00:00.000Z');
    assert.deepEqual(status.agents, [
      { name: 'marketing', tokens: 6_600, cost: '0.06' },
      { name: 'support', tokens: 1_100, cost: '0.01' },
    ]);
    assert.deepEqual(status.suspendedWorkloads, [
      { kind: 'Deployment', name: 'marketing', previousReplicas: 2 },
    ]);
    assert.equal(status.observedGeneration, 3);
    assert.deepEqual(status.conditions, [
      {
        type: 'Ready',
        status: 'True',
        observedGeneration: 3,
        lastTransitionTime: now.toISOString(),
        reason: 'ThresholdReached',
        message:
          'Warning: 7,700 of 10,000 tokens and 0.07 of 1.00 USD used (77 %); Alert, Degrade in force until the ' +
          'reset at 2025-03-12T00:00:00.000Z.',
      },
    ]);
  });

  it('keeps the transition time while Ready stays True, and changes it on a real transition', () => {
    const first = budgetStatus({
      spec,
      generation: 1,
      decision,
      usage,
      suspended: [],
      now: new Date('2025-03-11T11:00:00Z'),
    });
    const second = budgetStatus({
      spec,
      generation: 2,
      decision,
      usage,
      suspended: [],
      previous: first,
      now,
    });
    assert.equal(second.conditions?.[0]?.lastTransitionTime, '2025-03-11T11:00:00.000Z');
    const stalled = budgetStatus({
      spec,
      generation: 3,
      decision,
      usage,
      suspended: [],
      previous: second,
      now,
      health: {
        state: 'Stalled',
        reason: 'FallbackRouteNotFound',
        message:
          'spec.degrade.fallbackRouteRef: FallbackRoute agents/gpt-5 does not exist; create it or change the reference',
      },
    });
    assert.deepEqual(
      stalled.conditions?.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]),
      [
        ['Ready', 'False', 'FallbackRouteNotFound', now.toISOString()],
        ['Stalled', 'True', 'FallbackRouteNotFound', now.toISOString()],
      ],
    );
  });

  it('says when counting started mid-period', () => {
    const late = { ...usage, trackedSince: new Date('2025-03-11T09:30:00Z') };
    const status = budgetStatus({ spec, decision, usage: late, suspended: [], now });
    assert.match(status.conditions?.[0]?.message ?? '', /counting since 2025-03-11T09:30:00.000Z/);
  });
});

describe('microsToMoney', () => {
  const cases: [number, string][] = [
    [0, '0.00'],
    [12_500_000, '12.50'],
    [100_000, '0.10'],
    [125, '0.000125'],
    [1_234_560, '1.23456'],
    [40_000_000_000, '40000.00'],
  ];
  for (const [micros, money] of cases) {
    it(`${micros} micros is ${money}`, () => assert.equal(microsToMoney(micros), money));
  }
});
