import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BudgetGate } from './budget-gate.js';
import type { GateRequest, GateVerdict } from './gate-verdict.js';
import type { HeldLease } from './lease-slice.js';
import { NEXT_MIDNIGHT, policy, T0 } from './testdata/policies.js';

const ask = (): GateRequest => ({
  api: 'chat.completions',
  model: 'gpt-4o',
  traceId: 'trace-1',
  estimatedInputTokens: 100,
  worstCaseOutputTokens: 200,
  requestedMaxOutputTokens: 200,
});
const lease = (over: Partial<HeldLease> = {}): HeldLease => ({
  granted: 500,
  settledAtAsk: 0,
  askedAt: T0,
  expiresAt: T0 + 5_000,
  counted: 0,
  periodEnd: NEXT_MIDNIGHT,
  lowWater: 0,
  ...over,
});

function gateWith(held: HeldLease | undefined) {
  const clock = { now: T0 };
  const gate = new BudgetGate({ now: () => clock.now });
  gate.setPolicy(policy());
  const ledger = gate.leasable()[0];
  assert.ok(ledger, 'the token budget is leasable');
  ledger.lease = held;
  const spent: string[] = [];
  gate.onSliceSpent = (budget) => spent.push(budget);
  return { gate, clock, ledger, spent };
}

function admitted(v: GateVerdict): Extract<GateVerdict, { kind: 'admit' }> {
  assert.equal(v.kind, 'admit', v.kind === 'refuse' ? v.message : '');
  return v as Extract<GateVerdict, { kind: 'admit' }>;
}

describe('BudgetGate with a budget lease', () => {
  it('admits against the slice, and refuses for a second when it is spent, asking for more', () => {
    const { gate, ledger, spent } = gateWith(lease());
    admitted(gate.admit(ask()));
    const v = gate.admit(ask());
    assert.equal(v.kind, 'refuse');
    if (v.kind !== 'refuse') return;
    assert.equal(v.status, 429);
    assert.equal(v.code, 'budget_insufficient');
    assert.equal(v.retryAfterSeconds, 1);
    assert.match(v.message, /lease of it \(500 tokens.*worst case of 300 tokens/);
    assert.deepEqual(spent, ['team-a/daily']);
    assert.equal(ledger.largestCall, 300);
  });

  it('asks for the next slice as soon as an admission leaves less than the low-water mark', () => {
    const { gate, spent } = gateWith(lease({ lowWater: 250 }));
    admitted(gate.admit(ask()));
    assert.deepEqual(spent, ['team-a/daily'], '200 left, below 250');
  });

  it('counts settled usage against the slice, not the reservation', () => {
    const { gate, ledger } = gateWith(lease());
    const a = admitted(gate.admit(ask()));
    gate.settle(a.reservation, {
      usage: { inputTokens: 90, outputTokens: 40, cachedInputTokens: 0, estimated: false },
      model: 'gpt-4o',
    });
    assert.equal(ledger.settled, 130);
    admitted(gate.admit(ask()));
    assert.equal(gate.admit(ask()).kind, 'refuse', '130 settled + 300 reserved leave 70');
  });

  it('takes the services’ count for the phase: another holder used the budget up', () => {
    const { gate, spent } = gateWith(lease({ counted: 1_000 }));
    const v = gate.admit(ask());
    assert.equal(v.kind === 'refuse' && v.code, 'budget_exhausted');
    assert.deepEqual(spent, [], 'an exhausted budget needs no larger slice');
  });

  it('without a lease, the local rule alone decides', () => {
    const { gate } = gateWith(undefined);
    for (let i = 0; i < 3; i++) admitted(gate.admit(ask()));
    assert.equal(gate.admit(ask()).kind, 'refuse', '900 reserved of 1,000');
  });

  it('drops the slice when the period rolls', () => {
    const { gate, clock, ledger } = gateWith(lease());
    clock.now = Date.parse(NEXT_MIDNIGHT) + 1;
    assert.equal(gate.leasable()[0], ledger);
    assert.equal(ledger.lease, undefined);
    assert.equal(ledger.settled, 0);
  });
});
