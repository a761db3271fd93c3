import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example } from '../../testing/repo-files.js';
import { tokenBudgetSpec } from '../token-budget.js';
import { agentBudgetActions, budgetState, compileBudget } from './budget.js';

const spec = tokenBudgetSpec.parse((example('token-budget-marketing-daily.yaml') as { spec: unknown }).spec);

describe('budgetState', () => {
  // limits: 2,000,000 tokens / 40 USD; thresholds 50 Alert, 75 Alert+Degrade, 100 Alert+Suspend
  const cases: [string, number, number, boolean, string, string[]][] = [
    ['below every threshold', 100_000, 0, false, 'Active', []],
    ['at 50 % of tokens', 1_000_000, 0, false, 'Warning', ['Alert']],
    ['at 75 % of cost', 0, 30_000_000, false, 'Warning', ['Alert', 'Degrade']],
    ['at the token limit', 2_000_000, 0, false, 'Exhausted', ['Alert', 'Degrade', 'Suspend']],
    ['over the cost limit', 0, 41_000_000, false, 'Exhausted', ['Alert', 'Degrade', 'Suspend']],
    [
      'exhausted, critical agent: degraded, never suspended',
      2_000_000,
      0,
      true,
      'Exhausted',
      ['Alert', 'Degrade'],
    ],
    ['warning, critical agent', 1_600_000, 0, true, 'Warning', ['Alert', 'Degrade']],
  ];
  for (const [name, tokens, cost, critical, phase, actions] of cases) {
    it(name, () => {
      const state = budgetState(spec, { usedTokens: tokens, usedCostMicros: cost }, critical);
      assert.equal(state.phase, phase);
      assert.deepEqual(state.actions, actions);
    });
  }

  it('a critical agent at a threshold that throttles is degraded instead, never throttled', () => {
    const throttling = {
      limits: { tokens: 1000, currency: 'USD' },
      thresholds: [
        { percent: 50, actions: ['Alert', 'Throttle'] as const },
        { percent: 100, actions: ['Suspend'] as const },
      ],
    } as Parameters<typeof budgetState>[0];
    assert.deepEqual(budgetState(throttling, { usedTokens: 600, usedCostMicros: 0 }, false).actions, [
      'Alert',
      'Throttle',
    ]);
    assert.deepEqual(budgetState(throttling, { usedTokens: 600, usedCostMicros: 0 }, true).actions, [
      'Alert',
      'Degrade',
    ]);
    assert.deepEqual(budgetState(throttling, { usedTokens: 1200, usedCostMicros: 0 }, true).actions, [
      'Alert',
      'Degrade',
    ]);
  });

  it('is exhausted at 100 % even with no threshold listed', () => {
    const state = budgetState(
      { limits: { tokens: 10, currency: 'USD' } },
      { usedTokens: 10, usedCostMicros: 0 },
      false,
    );
    assert.equal(state.phase, 'Exhausted');
    assert.deepEqual(state.actions, []);
  });
});

describe('compileBudget', () => {
  it('carries limits in tokens and micro-units, the period, thresholds and the phase', () => {
    const budget = compileBudget('agents/marketing-daily', spec, {
      usedTokens: 1_500_000,
      usedCostMicros: 0,
      critical: false,
      periodEnd: new Date('2025-03-02T23:00:00Z'),
    });
    assert.equal(budget.limitTokens, 2_000_000);
    assert.equal(budget.limitCostMicros, 40_000_000);
    assert.equal(budget.phase, 'Warning');
    assert.deepEqual(budget.actions, ['Alert', 'Degrade']);
    assert.equal(budget.periodEnd, '2025-03-02T23:00:00.000Z');
    assert.deepEqual(budget.period, { reset: 'Daily', timeZone: 'Europe/Berlin' });
    assert.equal(budget.thresholds?.length, 3);
    assert.equal(budget.degradeModel, undefined, 'the route decides the degrade model');
  });
});

describe('agentBudgetActions (shared by the operator, the standalone compiler and the sidecar)', () => {
  const cases: Array<[string, Parameters<typeof agentBudgetActions>, string[]]> = [
    ['non-critical keeps every action', [['Suspend', 'Alert'], 'Exhausted', false], ['Alert', 'Suspend']],
    ['critical: Suspend becomes Degrade', [['Alert', 'Suspend'], 'Exhausted', true], ['Alert', 'Degrade']],
    ['critical: Throttle becomes Degrade', [['Throttle'], 'Warning', true], ['Degrade']],
    ['critical and exhausted with no actions listed: Degrade', [[], 'Exhausted', true], ['Degrade']],
    ['critical and active: nothing', [[], 'Active', true], []],
    ['critical keeps Alert only', [['Alert'], 'Warning', true], ['Alert']],
  ];
  for (const [name, args, want] of cases) it(name, () => assert.deepEqual(agentBudgetActions(...args), want));
});
