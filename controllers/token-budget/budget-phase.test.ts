import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenBudgetSpec } from '../../apis/token-budget.js';
import {
  agentActions,
  type BudgetAction,
  type BudgetPhase,
  budgetPhase,
  wholePercent,
} from './budget-phase.js';

type Spec = Pick<TokenBudgetSpec, 'limits' | 'thresholds' | 'period'>;

const marketing: Spec = {
  period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
  limits: { tokens: 2_000_000, cost: '40.00', currency: 'USD' },
  thresholds: [
    { percent: 50, actions: ['Alert'] },
    { percent: 75, actions: ['Alert', 'Degrade'] },
    { percent: 100, actions: ['Alert', 'Suspend'] },
  ],
};
const now = new Date('2025-03-11T15:00:00Z');

describe('budgetPhase', () => {
  const cases: {
    name: string;
    spec?: Spec;
    tokens: number;
    costMicros?: number;
    phase: BudgetPhase;
    percent: number;
    crossed: number[];
    actions: BudgetAction[];
  }[] = [
    { name: 'nothing used', tokens: 0, phase: 'Active', percent: 0, crossed: [], actions: [] },
    { name: 'just below 50 %', tokens: 999_999, phase: 'Active', percent: 49, crossed: [], actions: [] },
    { name: 'at 50 %', tokens: 1_000_000, phase: 'Warning', percent: 50, crossed: [50], actions: ['Alert'] },
    {
      name: 'at 75 %: degrade',
      tokens: 1_500_000,
      phase: 'Warning',
      percent: 75,
      crossed: [50, 75],
      actions: ['Alert', 'Degrade'],
    },
    {
      name: 'at 100 %: exhausted, every action',
      tokens: 2_000_000,
      phase: 'Exhausted',
      percent: 100,
      crossed: [50, 75, 100],
      actions: ['Alert', 'Degrade', 'Suspend'],
    },
    {
      name: 'beyond 100 %',
      tokens: 2_600_000,
      phase: 'Exhausted',
      percent: 130,
      crossed: [50, 75, 100],
      actions: ['Alert', 'Degrade', 'Suspend'],
    },
    {
      name: 'cost is the tightest limit',
      tokens: 200_000,
      costMicros: 31_000_000,
      phase: 'Warning',
      percent: 77,
      crossed: [50, 75],
      actions: ['Alert', 'Degrade'],
    },
    {
      name: 'no thresholds: Active until 100 %',
      spec: { ...marketing, thresholds: undefined },
      tokens: 1_999_999,
      phase: 'Active',
      percent: 99,
      crossed: [],
      actions: [],
    },
    {
      name: 'no thresholds at 100 %: Exhausted without actions (the sidecar refuses anyway)',
      spec: { ...marketing, thresholds: undefined },
      tokens: 2_000_000,
      phase: 'Exhausted',
      percent: 100,
      crossed: [],
      actions: [],
    },
    {
      name: 'a whole share reaches its threshold exactly (29 of 100 is not 28.99 %)',
      spec: {
        ...marketing,
        limits: { tokens: 100, currency: 'USD' },
        thresholds: [{ percent: 29, actions: ['Throttle'] }],
      },
      tokens: 29,
      phase: 'Warning',
      percent: 29,
      crossed: [29],
      actions: ['Throttle'],
    },
    {
      name: 'a cost limit of 0.1 is exactly 100000 micros',
      spec: { ...marketing, limits: { cost: '0.1', currency: 'EUR' } },
      tokens: 5_000_000,
      costMicros: 100_000,
      phase: 'Exhausted',
      percent: 100,
      crossed: [50, 75, 100],
      actions: ['Alert', 'Degrade', 'Suspend'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = budgetPhase(c.spec ?? marketing, { tokens: c.tokens, costMicros: c.costMicros ?? 0 }, now);
      assert.equal(d.phase, c.phase);
      assert.equal(wholePercent(d.percent), c.percent);
      assert.deepEqual(
        d.crossed.map((t) => t.percent),
        c.crossed,
      );
      assert.deepEqual(d.actions, c.actions);
    });
  }

  it('reports the share of each limit and the period in the budget time zone', () => {
    const d = budgetPhase(marketing, { tokens: 500_000, costMicros: 30_000_000 }, now);
    assert.equal(d.tokenPercent, 25);
    assert.equal(d.costPercent, 75);
    assert.equal(d.period.start.toISOString(), '2025-03-10T23:00:00.000Z');
    assert.equal(d.period.end.toISOString(), '2025-03-11T23:00:00.000Z');
  });

  it('names the field when the period cannot be computed', () => {
    assert.throws(
      () =>
        budgetPhase(
          { ...marketing, period: { reset: 'Daily', timeZone: 'Mars/Olympus' } },
          { tokens: 0, costMicros: 0 },
          now,
        ),
      /timeZone "Mars\/Olympus" is not an IANA time zone/,
    );
  });
});

describe('agentActions', () => {
  const cases: {
    name: string;
    phase: BudgetPhase;
    actions: BudgetAction[];
    critical: boolean;
    expected: BudgetAction[];
  }[] = [
    {
      name: 'a non-critical agent gets every action',
      phase: 'Exhausted',
      actions: ['Alert', 'Degrade', 'Suspend'],
      critical: false,
      expected: ['Alert', 'Degrade', 'Suspend'],
    },
    {
      name: 'a critical agent is degraded instead of suspended',
      phase: 'Exhausted',
      actions: ['Alert', 'Suspend'],
      critical: true,
      expected: ['Alert', 'Degrade'],
    },
    {
      name: 'a critical agent is not throttled',
      phase: 'Warning',
      actions: ['Alert', 'Throttle'],
      critical: true,
      expected: ['Alert'],
    },
    {
      name: 'an exhausted budget degrades a critical agent even without a Degrade threshold',
      phase: 'Exhausted',
      actions: [],
      critical: true,
      expected: ['Degrade'],
    },
    {
      name: 'a critical agent keeps a Degrade below 100 %',
      phase: 'Warning',
      actions: ['Degrade'],
      critical: true,
      expected: ['Degrade'],
    },
    {
      name: 'nothing in force below every threshold',
      phase: 'Active',
      actions: [],
      critical: true,
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(agentActions({ phase: c.phase, actions: c.actions }, c.critical), c.expected);
    });
  }
});
