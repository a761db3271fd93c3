import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetState, compileBudget } from '../../apis/compile/budget.js';
import { effectiveBudget } from '../../apis/effective-policy.js';
import { tokenBudgetSpec } from '../../apis/token-budget.js';
import { type BudgetAction, type BudgetPhase, budgetPhase } from './local-phase.js';
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
      name: 'a critical agent at a Throttle threshold is degraded instead, as the operator resolves it',
      budget: budget({ thresholds: [{ percent: 50, actions: ['Throttle'] }] } as never),
      tokens: 600,
      critical: true,
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

describe('budgetPhase agrees with the compilers (apis/compile/budget.ts)', () => {
  // The standalone sidecar compiles its file with no usage and counts locally; the operator resolves
  // the budget's status with the same rule. Either way an agent must see the same phase and actions.
  const spec = tokenBudgetSpec.parse({
    agentSelector: {},
    period: { reset: 'Daily', timeZone: 'UTC' },
    limits: { tokens: 1000, currency: 'USD' },
    thresholds,
    throttle: { requestsPerMinute: 5 },
  });
  for (const critical of [false, true]) {
    for (const tokens of [0, 500, 750, 920, 1000, 1200]) {
      it(`${critical ? 'critical' : 'non-critical'} agent at ${tokens} of 1000 tokens`, () => {
        const compiled = compileBudget('team-a/daily', spec, {
          usedTokens: 0,
          usedCostMicros: 0,
          critical,
          periodEnd: new Date(Date.now() + 3_600_000),
        });
        const sidecar = budgetPhase(compiled, { tokens, costMicros: 0 }, { operatorCurrent: true, critical });
        const compiler = budgetState(spec, { usedTokens: tokens, usedCostMicros: 0 }, critical);
        assert.equal(sidecar.phase, compiler.phase);
        assert.deepEqual([...sidecar.actions].sort(), [...compiler.actions].sort());
        if (critical) {
          assert.ok(!sidecar.actions.includes('Throttle') && !sidecar.actions.includes('Suspend'));
        }
      });
    }
  }
});
