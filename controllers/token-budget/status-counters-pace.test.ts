import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBatch } from '../../apis/ledger/apply-batch.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import { trackPeriods } from '../../apis/ledger/tracked-periods.js';
import type { TokenBudgetSpec, TokenBudgetStatus } from '../../apis/token-budget.js';
import { budgetPhase } from './budget-phase.js';
import { budgetStatus } from './budget-status.js';
import { budgetUsage } from './budget-usage.js';
import { countersOnlyChange, statusWriteWait } from './status-counters-pace.js';
import type { SuspendedWorkload } from './suspend-plan.js';

const spec: Pick<TokenBudgetSpec, 'limits' | 'thresholds' | 'period' | 'useCases'> = {
  period: { reset: 'Daily', timeZone: 'UTC' },
  limits: { tokens: 10_000, currency: 'USD' },
  thresholds: [
    { percent: 75, actions: ['Alert', 'Degrade'] },
    { percent: 100, actions: ['Suspend'] },
  ],
};
const now = new Date('2025-03-11T12:00:00Z');

/** The status the reconciler writes when `calls` calls of 110 tokens were counted. */
function statusAt(calls: number, previous?: TokenBudgetStatus, suspended: SuspendedWorkload[] = []) {
  const tracked = trackPeriods(emptyLedger('support'), [spec.period], new Date('2025-03-11T00:00:00Z'));
  const ledger = applyBatch(
    tracked,
    batch(1, [entry('2025-03-11T11:00:00Z', calls)], { agent: 'support' }),
    now,
  ).ledger;
  const usage = budgetUsage(spec, [ledger], now);
  const decision = budgetPhase(spec, { tokens: usage.total.tokens, costMicros: usage.total.costMicros }, now);
  return budgetStatus({
    spec,
    generation: 1,
    decision,
    usage,
    suspended,
    ...(previous ? { previous } : {}),
    now,
  });
}

describe('countersOnlyChange', () => {
  const at10 = statusAt(10); // 1,100 tokens: Active
  const cases: [string, TokenBudgetStatus | undefined, TokenBudgetStatus, boolean][] = [
    ['more tokens in the same phase', at10, statusAt(20, at10), true],
    ['the same status', at10, statusAt(10, at10), true],
    ['Active → Warning (75 % crossed)', at10, statusAt(70, at10), false],
    ['Warning → Exhausted', statusAt(70), statusAt(95, statusAt(70)), false],
    [
      'a workload suspended',
      statusAt(95),
      statusAt(95, statusAt(95), [{ kind: 'Deployment', name: 'web', previousReplicas: 3 }]),
      false,
    ],
    ['no status written yet', undefined, at10, false],
  ];
  for (const [name, current, next, expected] of cases) {
    it(`${name}: ${expected ? 'counters only' : 'must be written at once'}`, () => {
      assert.equal(countersOnlyChange(current, next), expected);
    });
  }

  it('sees a new observed generation as more than counters', () => {
    const next = { ...statusAt(20, at10), observedGeneration: 2 };
    assert.equal(countersOnlyChange(at10, next), false);
  });
});

describe('statusWriteWait', () => {
  const current = statusAt(10);
  const counters = statusAt(20, current);
  const crossing = statusAt(70, current);
  it('makes counters wait until the pace after the last write', () => {
    assert.equal(
      statusWriteWait({ current, next: counters, lastWriteAt: 1_000, at: 1_500, paceMs: 3_000 }),
      2_500,
    );
  });
  it('writes counters once the pace has passed', () => {
    assert.equal(
      statusWriteWait({ current, next: counters, lastWriteAt: 1_000, at: 4_200, paceMs: 3_000 }),
      0,
    );
  });
  it('writes a crossing at once, however recent the last write', () => {
    assert.equal(
      statusWriteWait({ current, next: crossing, lastWriteAt: 1_000, at: 1_001, paceMs: 3_000 }),
      0,
    );
  });
  it('writes at once when this process has not written the budget (a new leader)', () => {
    assert.equal(
      statusWriteWait({ current, next: counters, lastWriteAt: undefined, at: 1_001, paceMs: 3_000 }),
      0,
    );
  });
});
