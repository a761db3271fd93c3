import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveBudget } from '../../apis/effective-policy.js';
import { BudgetLedger } from './budget-ledger.js';
import { type BudgetInQuestion, budgetRoom, budgetWithoutRoom, roomRefusal } from './budget-room.js';
import type { GateRequest } from './gate-verdict.js';
import { ModelChoice } from './model-choice.js';
import { budget, T0 } from './testdata/policies.js';

const REQUEST: GateRequest = {
  api: 'chat.completions',
  model: 'gpt-4o',
  traceId: 't',
  estimatedInputTokens: 100,
  worstCaseOutputTokens: 200,
};

function ledger(limitTokens: number, usedTokens = 0): BudgetLedger {
  return new BudgetLedger(effectiveBudget.parse(budget({ limitTokens, usedTokens })), T0);
}

function inQuestion(l: BudgetLedger): BudgetInQuestion {
  return { ledger: l, used: l.used(), costMicros: 0, pricedAs: undefined };
}

describe('budgetRoom', () => {
  it('fits when used + reserved + the worst case stays within the limit', () => {
    const l = ledger(1000, 500);
    assert.equal(budgetRoom(l, l.used(), { inputTokens: 100, outputTokens: 400, costMicros: 0 }), 'fits');
  });

  it('says the budget when it has no room, reservations counted', () => {
    const l = ledger(1000, 500);
    l.reserved.tokens = 1;
    assert.equal(budgetRoom(l, l.used(), { inputTokens: 100, outputTokens: 400, costMicros: 0 }), 'budget');
  });

  it('says the slice when the budget has room and this sidecar’s lease has not', () => {
    const l = ledger(1000);
    l.lease = {
      granted: 50,
      settledAtAsk: 0,
      lowWater: 10,
      expiresAt: T0 + 60_000,
      periodEnd: l.budget.periodEnd,
    } as NonNullable<BudgetLedger['lease']>;
    assert.equal(budgetRoom(l, l.used(), { inputTokens: 100, outputTokens: 0, costMicros: 0 }), 'slice');
    l.lease.failing = true;
    assert.equal(budgetRoom(l, l.used(), { inputTokens: 100, outputTokens: 0, costMicros: 0 }), 'fits');
  });
});

describe('budgetWithoutRoom', () => {
  it('names the first budget the call does not fit, with its worst case', () => {
    const budgets = [inQuestion(ledger(10_000)), inQuestion(ledger(250))];
    const decisions: string[] = [];
    const choice = new ModelChoice(REQUEST, undefined, [], false, decisions);
    const short = budgetWithoutRoom(budgets, 100, 200, choice, false, decisions);
    assert.equal(short?.entry, budgets[1]);
    assert.equal(short?.room, 'budget');
    assert.deepEqual(short?.worst, { inputTokens: 100, outputTokens: 200, costMicros: 0 });
    assert.deepEqual(decisions, []);
  });

  it('degrades a critical agent once and looks on, refusing nothing', () => {
    const budgets = [inQuestion(ledger(250)), inQuestion(ledger(260))];
    const decisions: string[] = [];
    const request = { ...REQUEST, routeDegradeModel: 'gpt-4o-mini' };
    const choice = new ModelChoice(request, undefined, [], true, decisions);
    assert.equal(budgetWithoutRoom(budgets, 100, 200, choice, true, decisions), undefined);
    assert.equal(choice.model, 'gpt-4o-mini');
    assert.deepEqual(decisions, [
      'critical:over-budget:team-a/daily',
      'degraded:gpt-4o-mini',
      'critical:over-budget:team-a/daily',
    ]);
  });
});

describe('roomRefusal', () => {
  it('refuses with 429, the budget, its reset and a retry after the period when nothing is in flight', () => {
    const l = ledger(250);
    const decisions: string[] = [];
    const refusal = roomRefusal(
      'budget',
      l,
      l.used(),
      { inputTokens: 100, outputTokens: 200, costMicros: 0 },
      T0,
      decisions,
    );
    assert.equal(refusal.status, 429);
    assert.equal(refusal.code, 'budget_insufficient');
    assert.equal(refusal.budget, 'team-a/daily');
    assert.equal(refusal.resetsAt, '2025-06-17T00:00:00.000Z');
    assert.equal(refusal.retryAfterSeconds, 14 * 3600);
    assert.deepEqual(decisions, ['refused:budget_insufficient:team-a/daily']);
  });

  it('asks a retry in 2 s when calls in flight hold the room the call needs', () => {
    const l = ledger(400);
    l.reserved.tokens = 200;
    const refusal = roomRefusal(
      'budget',
      l,
      l.used(),
      { inputTokens: 100, outputTokens: 200, costMicros: 0 },
      T0,
      [],
    );
    assert.equal(refusal.retryAfterSeconds, 2);
  });
});
