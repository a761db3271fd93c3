import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveBudget } from '../../apis/effective-policy.js';
import { BudgetLedger } from './budget-ledger.js';
import { budget, T0 } from './testdata/policies.js';

const parse = (overrides: Parameters<typeof budget>[0] = {}) => effectiveBudget.parse(budget(overrides));
const HOUR = 3_600_000;

describe('BudgetLedger', () => {
  it("starts from the operator's aggregate and adds local usage", () => {
    const ledger = new BudgetLedger(parse({ usedTokens: 400 }), T0);
    ledger.local.tokens += 50;
    assert.equal(ledger.used().tokens, 450);
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-17T00:00:00.000Z');
  });

  it('restarts local counts when a new policy carries a different usedTokens', () => {
    const ledger = new BudgetLedger(parse({ usedTokens: 400 }), T0);
    ledger.local.tokens += 50;
    ledger.update(parse({ usedTokens: 400, limitTokens: 2000 }), T0 + 1000);
    assert.equal(ledger.used().tokens, 450, 'same usedTokens: local usage kept');
    ledger.update(parse({ usedTokens: 470 }), T0 + 2000);
    assert.equal(ledger.used().tokens, 470, 'the operator now counts what this sidecar reported');
  });

  it("rolls at the period end: counts and reservations from zero, the operator's word no longer current", () => {
    const ledger = new BudgetLedger(parse({ usedTokens: 900, phase: 'Warning', actions: ['Degrade'] }), T0);
    ledger.local.tokens = 80;
    ledger.reserved.tokens = 30;
    const epoch = ledger.epoch;
    ledger.roll(T0 + 13 * HOUR);
    assert.equal(ledger.operatorCurrent, true, 'not yet: the period ends at midnight');
    ledger.roll(T0 + 14 * HOUR);
    assert.deepEqual(ledger.used(), { tokens: 0, costMicros: 0 });
    assert.equal(ledger.reserved.tokens, 0);
    assert.equal(ledger.operatorCurrent, false);
    assert.notEqual(ledger.epoch, epoch);
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-18T00:00:00.000Z');
  });

  it('a late policy of the past period does not bring its counts back after a roll', () => {
    const ledger = new BudgetLedger(parse({ usedTokens: 900 }), T0);
    ledger.roll(T0 + 15 * HOUR);
    ledger.local.tokens = 10;
    ledger.update(parse({ usedTokens: 950 }), T0 + 15 * HOUR + 1000);
    assert.equal(ledger.operatorCurrent, false);
    assert.equal(ledger.used().tokens, 10, 'new-period local usage kept, old aggregate ignored');
  });

  it("the operator's policy for the new period is current again", () => {
    const ledger = new BudgetLedger(parse({ usedTokens: 900 }), T0);
    ledger.roll(T0 + 15 * HOUR);
    ledger.local.tokens = 10;
    ledger.update(parse({ usedTokens: 25, periodEnd: '2025-06-18T00:00:00.000Z' }), T0 + 15 * HOUR + 1000);
    assert.equal(ledger.operatorCurrent, true);
    assert.equal(ledger.used().tokens, 25);
  });

  it('without a period in the policy, it ends at periodEnd and then rolls daily in UTC', () => {
    const ledger = new BudgetLedger(parse({ period: undefined, periodEnd: '2025-06-16T18:30:00Z' }), T0);
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-16T18:30:00.000Z');
    ledger.roll(T0 + 9 * HOUR);
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-17T00:00:00.000Z');
  });

  it('rolls a weekly Berlin budget at Monday 00:00 local', () => {
    const ledger = new BudgetLedger(
      parse({ period: { reset: 'Weekly', timeZone: 'Europe/Berlin' }, periodEnd: '2025-06-22T22:00:00Z' }),
      T0,
    );
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-22T22:00:00.000Z');
    ledger.roll(Date.parse('2025-06-22T22:00:00Z'));
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-29T22:00:00.000Z');
  });

  it('a hand-written policy with a far periodEnd still resets daily by its period', () => {
    const ledger = new BudgetLedger(parse({ periodEnd: '2099-01-01T00:00:00Z', usedTokens: 0 }), T0);
    assert.equal(new Date(ledger.end).toISOString(), '2025-06-17T00:00:00.000Z');
  });
});
