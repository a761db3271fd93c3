import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveBudget } from '../../apis/effective-policy.js';
import { type BudgetAction, type BudgetPhase, budgetPhase } from './budget-phase.js';
import { budget } from './testdata/policies.js';

const thresholds = [
  { percent: 75, actions: ['Alert', 'Degrade'] },
  { percent: 90, actions: ['Throttle'] },
  { percent: 100, actions: ['Suspend'] },
];

describe('budgetPhase', () => {
  const cases: {
    name: string;
    budget: Record<string, unknown>;
    tokens: number;
    costMicros?: number;
    operatorCurrent?: boolean;
    critical?: boolean;
    phase: BudgetPhase;
    actions: BudgetAction[];
  }[] = [
    {
      name: 'below every threshold',
      budget: budget({ thresholds } as never),
      tokens: 500,
      phase: 'Active',
      actions: [],
    },
    {
      name: 'at 75 %: Warning with Alert and Degrade',
      budget: budget({ thresholds } as never),
      tokens: 750,
      phase: 'Warning',
      actions: ['Alert', 'Degrade'],
    },
    {
      name: 'at 92 %: the actions of both thresholds',
      budget: budget({ thresholds } as never),
      tokens: 920,
      phase: 'Warning',
      actions: ['Alert', 'Degrade', 'Throttle'],
    },
    {
      name: 'at 100 %: Exhausted',
      budget: budget({ thresholds } as never),
      tokens: 1000,
      phase: 'Exhausted',
      actions: ['Alert', 'Degrade', 'Throttle', 'Suspend'],
    },
    {
      name: 'over 100 % without thresholds: Exhausted, no actions',
      budget: budget(),
      tokens: 1200,
      phase: 'Exhausted',
      actions: [],
    },
    {
      name: 'a 60 % threshold with Degrade only',
      budget: budget({ thresholds: [{ percent: 60, actions: ['Degrade'] }] } as never),
      tokens: 600,
      phase: 'Warning',
      actions: ['Degrade'],
    },
    {
      name: 'a critical agent keeps only Alert and Degrade',
      budget: budget({ thresholds } as never),
      tokens: 1000,
      critical: true,
      phase: 'Exhausted',
      actions: ['Alert', 'Degrade'],
    },
    {
      name: 'the operator says Warning/Degrade while counts are low: the operator wins',
      budget: budget({ phase: 'Warning', actions: ['Degrade'] }),
      tokens: 10,
      operatorCurrent: true,
      phase: 'Warning',
      actions: ['Degrade'],
    },
    {
      name: "the operator's word from a past period is ignored",
      budget: budget({ phase: 'Exhausted', actions: ['Suspend'] }),
      tokens: 10,
      operatorCurrent: false,
      phase: 'Active',
      actions: [],
    },
    {
      name: "local counts tighten the operator's Warning to Exhausted",
      budget: budget({ phase: 'Warning', actions: ['Alert'] }),
      tokens: 1000,
      operatorCurrent: true,
      phase: 'Exhausted',
      actions: ['Alert'],
    },
    {
      name: 'a cost limit reached exhausts the budget though tokens remain',
      budget: budget({ limitCostMicros: 5_000_000 }),
      tokens: 10,
      costMicros: 5_000_000,
      phase: 'Exhausted',
      actions: [],
    },
    {
      name: 'a budget without limits is never exhausted',
      budget: budget({ limitTokens: undefined }),
      tokens: 10 ** 9,
      phase: 'Active',
      actions: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = budgetPhase(
        effectiveBudget.parse(c.budget),
        { tokens: c.tokens, costMicros: c.costMicros ?? 0 },
        { operatorCurrent: c.operatorCurrent ?? true, critical: c.critical ?? false },
      );
      assert.equal(decision.phase, c.phase);
      assert.deepEqual([...decision.actions].sort(), [...c.actions].sort());
    });
  }
});
