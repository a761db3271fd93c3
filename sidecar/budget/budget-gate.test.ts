import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenUsage } from '../accounting/token-usage.js';
import { BudgetGate } from './budget-gate.js';
import type { GateRequest, GateVerdict, Reservation } from './gate-verdict.js';
import { budget, NEXT_MIDNIGHT, policy, T0 } from './testdata/policies.js';

function gateAt(start = T0) {
  const clock = { now: start };
  const gate = new BudgetGate({ now: () => clock.now });
  return { gate, clock };
}

function ask(overrides: Partial<GateRequest> = {}): GateRequest {
  return {
    api: 'chat.completions',
    model: 'gpt-4o',
    traceId: 'trace-1',
    estimatedInputTokens: 100,
    worstCaseOutputTokens: 200,
    requestedMaxOutputTokens: 200,
    ...overrides,
  };
}

const used = (
  inputTokens: number,
  outputTokens: number,
  model = 'gpt-4o',
): { usage: TokenUsage; model: string } => ({
  usage: { inputTokens, outputTokens, cachedInputTokens: 0, estimated: false },
  model,
});

function admitted(a: GateVerdict): Extract<GateVerdict, { kind: 'admit' }> {
  assert.equal(a.kind, 'admit', a.kind === 'refuse' ? a.message : '');
  return a as Extract<GateVerdict, { kind: 'admit' }>;
}

function refused(a: GateVerdict): Extract<GateVerdict, { kind: 'refuse' }> {
  assert.equal(a.kind, 'refuse', 'expected a refusal');
  return a as Extract<GateVerdict, { kind: 'refuse' }>;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('BudgetGate: phases and actions', () => {
  it('admits without a policy, holding nothing', () => {
    const { gate } = gateAt();
    const a = admitted(gate.admit(ask()));
    assert.deepEqual(a.reservation.holds, []);
    assert.deepEqual(gate.snapshot(), []);
  });

  it('reserves the worst case, then settles the actual usage', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy());
    const a = admitted(gate.admit(ask()));
    assert.equal(a.model, 'gpt-4o');
    assert.deepEqual(
      gate.snapshot().map((s) => [s.usedTokens, s.reservedTokens, s.remainingTokens, s.resetsAt]),
      [[0, 300, 1000, NEXT_MIDNIGHT]],
    );
    gate.settle(a.reservation, used(90, 40));
    gate.settle(a.reservation, used(90, 40));
    assert.deepEqual(
      gate.snapshot().map((s) => [s.phase, s.usedTokens, s.reservedTokens, s.remainingTokens]),
      [['Active', 130, 0, 870]],
      'settled once, however often settle is called',
    );
  });

  it('refuses with 429 when the operator says Exhausted, naming the budget and its reset', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ phase: 'Exhausted', usedTokens: 1000 })] }));
    const r = refused(gate.admit(ask()));
    assert.equal(r.status, 429);
    assert.equal(r.code, 'budget_exhausted');
    assert.equal(r.budget, 'team-a/daily');
    assert.equal(r.resetsAt, NEXT_MIDNIGHT);
    assert.equal(r.retryAfterSeconds, 14 * 3600);
    assert.match(
      r.message,
      /"team-a\/daily" is exhausted: 1000 of 1000 tokens used.*resets at 2025-06-17T00:00:00.000Z/,
    );
    assert.deepEqual(r.decisions, ['refused:budget_exhausted:team-a/daily']);
  });

  it('exhausts on its own counts between policy updates (operator unreachable)', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ usedTokens: 700 })] }));
    const a = admitted(gate.admit(ask()));
    gate.settle(a.reservation, used(100, 200));
    assert.equal(gate.snapshot()[0]?.phase, 'Exhausted');
    assert.equal(
      refused(gate.admit(ask({ estimatedInputTokens: 1, worstCaseOutputTokens: 1 }))).code,
      'budget_exhausted',
    );
  });

  it("degrades to the budget's model at a Degrade threshold, else to the route's cheaper model", () => {
    const thresholds = [{ percent: 50, actions: ['Degrade'] }];
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        budgets: [
          budget({ usedTokens: 6000, limitTokens: 10_000, thresholds, degradeModel: 'gpt-4o-mini' } as never),
        ],
      }),
    );
    const a = admitted(gate.admit(ask()));
    assert.equal(a.model, 'gpt-4o-mini');
    assert.deepEqual(a.decisions, ['warning:team-a/daily', 'degraded:gpt-4o-mini']);

    gate.setPolicy(
      policy({
        budgets: [budget({ usedTokens: 6000, limitTokens: 10_000, thresholds } as never)],
        routes: [
          {
            name: 'gpt-4o',
            model: 'gpt-4o',
            targets: [{ name: 'openai', provider: 'OpenAI', baseUrl: 'https://api.openai.com/v1' }],
            degradeTo: { model: 'gpt-4.1-nano' },
          },
        ],
      }),
    );
    assert.equal(admitted(gate.admit(ask())).model, 'gpt-4.1-nano');
    assert.equal(
      admitted(gate.admit(ask({ routeDegradeModel: 'gpt-4o-mini-2024-07-18' }))).model,
      'gpt-4o-mini-2024-07-18',
    );
    assert.deepEqual(admitted(gate.admit(ask({ model: 'o3' }))).decisions, [
      'warning:team-a/daily',
      'degrade:no-model:team-a/daily',
    ]);
  });

  it('a critical agent is degraded instead of refused when the budget is exhausted', () => {
    const { gate } = gateAt();
    const critical = { namespace: 'team-a', name: 'pager', critical: true };
    gate.setPolicy(
      policy({
        agent: critical,
        budgets: [budget({ phase: 'Exhausted', usedTokens: 1000, degradeModel: 'gpt-4o-mini' })],
      }),
    );
    const a = admitted(gate.admit(ask()));
    assert.equal(a.model, 'gpt-4o-mini');
    assert.deepEqual(a.decisions, [
      'critical:exhausted:team-a/daily',
      'degraded:gpt-4o-mini',
      'critical:over-budget:team-a/daily',
    ]);
  });

  it('a critical agent without a cheaper model keeps working on its model, and the decision says so', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        agent: { namespace: 'team-a', name: 'pager', critical: true },
        budgets: [budget({ usedTokens: 1000 })],
      }),
    );
    const a = admitted(gate.admit(ask()));
    assert.equal(a.model, 'gpt-4o');
    assert.ok(a.decisions.includes('critical:no-degrade-model:team-a/daily'), a.decisions.join());
  });

  it('throttles at requestsPerMinute while Throttle is in force, and tells when to retry', () => {
    const { gate, clock } = gateAt();
    gate.setPolicy(
      policy({
        budgets: [
          budget({ phase: 'Warning', actions: ['Throttle'], requestsPerMinute: 60, usedTokens: 100 }),
        ],
      }),
    );
    admitted(gate.admit(ask({ estimatedInputTokens: 1, worstCaseOutputTokens: 1 })));
    const r = refused(gate.admit(ask({ estimatedInputTokens: 1, worstCaseOutputTokens: 1 })));
    assert.equal(r.code, 'throttled');
    assert.equal(r.retryAfterSeconds, 1);
    assert.match(r.message, /throttles this agent to 60 requests per minute/);
    clock.now += 1000;
    admitted(gate.admit(ask({ estimatedInputTokens: 1, worstCaseOutputTokens: 1 })));
  });

  it('a critical agent is not throttled', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        agent: { namespace: 'team-a', name: 'pager', critical: true },
        budgets: [budget({ phase: 'Warning', actions: ['Throttle'], requestsPerMinute: 1 })],
      }),
    );
    for (let i = 0; i < 5; i++)
      admitted(gate.admit(ask({ estimatedInputTokens: 1, worstCaseOutputTokens: 1 })));
  });

  it('a budget with useCases governs only those use cases', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({ budgets: [budget({ useCases: ['summarize'], phase: 'Exhausted', usedTokens: 1000 })] }),
    );
    assert.equal(refused(gate.admit(ask({ useCase: 'summarize' }))).code, 'budget_exhausted');
    admitted(gate.admit(ask({ useCase: 'research' })));
    admitted(gate.admit(ask()));
  });

  it("a cost limit reserves the worst-case cost with the policy's prices", () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        budgets: [budget({ limitTokens: undefined, limitCostMicros: 10_000, currency: 'USD' })],
        pricing: { 'gpt-4o': { inputPerMTok: 10_000_000, outputPerMTok: 20_000_000 } },
      }),
    );
    // 100 input × $10/MTok + 200 output × $20/MTok = 1000 + 4000 micro-USD.
    const a = admitted(gate.admit(ask()));
    assert.equal(a.reservation.holds[0]?.costMicros, 5_000);
    admitted(gate.admit(ask()));
    const r = refused(gate.admit(ask()));
    assert.equal(r.code, 'budget_insufficient');
    assert.match(r.message, /worst case costs 0\.01 USD, but 0\.00 USD of 0\.01 USD are left/);
  });
});

describe('BudgetGate: calls a budget cannot price', () => {
  /** A cost budget of 100 EUR; `acme-large` is declared at 2 EUR in and 8 EUR out per MTok. */
  const eurPolicy = (rule: string, overrides: Record<string, unknown> = {}) =>
    policy({
      budgets: [
        budget({
          limitTokens: undefined,
          limitCostMicros: 100_000_000,
          currency: 'EUR',
          unpricedModels: rule as never,
          degradeModel: 'acme-large',
        }),
      ],
      pricing: { 'acme-large': { inputPerMTok: 2_000_000, outputPerMTok: 8_000_000, currency: 'EUR' } },
      ...overrides,
    });
  const million = (model: string) => ({
    usage: { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 0, estimated: false },
    model,
  });

  it('counts a declared EUR price in a EUR budget, worst case and actual', () => {
    const { gate } = gateAt();
    gate.setPolicy(eurPolicy('Refuse'));
    const a = admitted(gate.admit(ask({ model: 'acme-large' })));
    // 100 × 2 EUR/MTok + 200 × 8 EUR/MTok = 200 + 1600 micro-EUR.
    assert.equal(a.reservation.holds[0]?.costMicros, 1_800);
    gate.settle(a.reservation, million('acme-large'));
    assert.equal(gate.snapshot()[0]?.usedCostMicros, 10_000_000);
  });

  it('Refuse: a call of a model with no price is refused with 403, naming the budget and the model', () => {
    const { gate } = gateAt();
    gate.setPolicy(eurPolicy('Refuse'));
    const r = refused(gate.admit(ask({ model: 'mystery-model' })));
    assert.equal(r.status, 403);
    assert.equal(r.code, 'unpriced_model');
    assert.equal(r.budget, 'team-a/daily');
    assert.match(
      r.message,
      /Token budget "team-a\/daily" counts cost in EUR .* "mystery-model" has no price/,
    );
    assert.deepEqual(r.decisions, ['refused:unpriced_model:team-a/daily']);
    assert.deepEqual(r.pricing, { unpriced: true }, 'the usage record says the model had no price');
  });

  it('Refuse: a USD price with no rate into EUR is refused too, naming both currencies', () => {
    const { gate } = gateAt();
    gate.setPolicy(eurPolicy('Refuse'));
    const r = refused(gate.admit(ask({ model: 'gpt-4o' })));
    assert.match(
      r.message,
      /"gpt-4o" is priced in USD, and no ModelCatalog declares an exchange rate between USD and EUR/,
    );
    gate.setPolicy(eurPolicy('Refuse', { exchangeRates: [{ from: 'USD', to: 'EUR', rate: 0.5 }] }));
    const a = admitted(gate.admit(ask({ model: 'gpt-4o' })));
    // gpt-4o at $2.50 / $10 → 1.25 / 5 EUR: 100 × 1.25 + 200 × 5 micro-EUR.
    assert.equal(a.reservation.holds[0]?.costMicros, 125 + 1000);
  });

  it('Refuse judges the model the target is asked for, not only the alias the agent named', () => {
    const { gate } = gateAt();
    gate.setPolicy(eurPolicy('Refuse'));
    admitted(gate.admit(ask({ model: 'my-alias', targetModel: 'acme-large' })));
    refused(gate.admit(ask({ model: 'acme-large', targetModel: 'mystery-model' })));
  });

  it('Refuse never refuses a critical agent: it is degraded to a priced model instead', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      eurPolicy('Refuse', { agent: { namespace: 'team-a', name: 'support-bot', critical: true } }),
    );
    const a = admitted(gate.admit(ask({ model: 'mystery-model' })));
    assert.equal(a.model, 'acme-large');
    assert.deepEqual(a.decisions, ['critical:unpriced:team-a/daily', 'degraded:acme-large']);
  });

  it('Refuse applies only to a budget with a cost limit', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        budgets: [budget({ limitTokens: 100_000, currency: 'EUR', unpricedModels: 'Refuse' as never })],
      }),
    );
    admitted(gate.admit(ask({ model: 'mystery-model' })));
  });

  it('HighestKnownPrice: counts the call at the highest known price in the budget currency', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      eurPolicy('HighestKnownPrice', { exchangeRates: [{ from: 'USD', to: 'EUR', rate: 0.5 }] }),
    );
    const a = admitted(gate.admit(ask({ model: 'mystery-model', worstCaseOutputTokens: 0 })));
    // o1-pro list price: $150 in, $600 out per MTok → 75 / 300 EUR.
    assert.equal(a.reservation.holds[0]?.costMicros, 100 * 75);
    gate.settle(a.reservation, million('mystery-model'));
    assert.equal(gate.snapshot()[0]?.usedCostMicros, 375_000_000);
    assert.equal(gate.snapshot()[0]?.phase, 'Exhausted');
  });

  it('TokensOnly: counts the tokens and not the cost', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        budgets: [
          budget({
            limitTokens: 10_000_000,
            limitCostMicros: 1_000_000,
            currency: 'USD',
            unpricedModels: 'TokensOnly' as never,
          }),
        ],
      }),
    );
    const a = admitted(gate.admit(ask({ model: 'mystery-model' })));
    assert.equal(a.reservation.holds[0]?.costMicros, 0);
    gate.settle(a.reservation, million('mystery-model'));
    const [snap] = gate.snapshot();
    assert.equal(snap?.usedTokens, 2_000_000);
    assert.equal(snap?.usedCostMicros, 0);
  });

  it('a policy without a rule counts at the highest known price (the default)', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ limitTokens: undefined, limitCostMicros: 1_000_000_000 })] }));
    const a = admitted(gate.admit(ask({ model: 'mystery-model', worstCaseOutputTokens: 0 })));
    assert.equal(a.reservation.holds[0]?.costMicros, 100 * 150);
  });
});

describe('BudgetGate: reservation', () => {
  it('refuses a call whose worst case does not fit beside the calls in flight, and admits it once they settle', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy());
    const first = admitted(gate.admit(ask({ estimatedInputTokens: 100, worstCaseOutputTokens: 500 })));
    const r = refused(gate.admit(ask({ estimatedInputTokens: 100, worstCaseOutputTokens: 400 })));
    assert.equal(r.code, 'budget_insufficient');
    assert.equal(r.retryAfterSeconds, 2, 'room frees as calls in flight settle');
    assert.match(
      r.message,
      /worst case is 500 tokens \(100 input \+ 400 output\), but 0 used and 600 reserved .* leave 400 of 1000 tokens/,
    );
    gate.settle(first.reservation, used(100, 50));
    admitted(gate.admit(ask({ estimatedInputTokens: 100, worstCaseOutputTokens: 400 })));
  });

  it('a worst case larger than what is left waits for the reset', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ usedTokens: 900 })] }));
    const r = refused(gate.admit(ask({ worstCaseOutputTokens: 4096, requestedMaxOutputTokens: undefined })));
    assert.equal(r.retryAfterSeconds, 14 * 3600);
  });

  it('release frees the reservation without counting usage', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy());
    const a = admitted(gate.admit(ask()));
    gate.release(a.reservation);
    assert.deepEqual(
      gate.snapshot().map((s) => [s.usedTokens, s.reservedTokens]),
      [[0, 0]],
    );
  });

  for (const seed of [1, 2, 3, 42, 2025]) {
    it(`200 concurrent calls in random order (seed ${seed}) never take usage over the limit`, () => {
      const limit = 100_000;
      const { gate } = gateAt();
      gate.setPolicy(policy({ budgets: [budget({ limitTokens: limit })] }));
      const random = seeded(seed);
      const inFlight: { reservation: Reservation; input: number; maxOutput: number }[] = [];
      let toAdmit = 200;
      let admittedCount = 0;
      let refusedCount = 0;
      let naiveUsed = 0;
      let steps = 0;
      while ((toAdmit > 0 || inFlight.length > 0) && steps++ < 10_000) {
        if (toAdmit > 0 && (inFlight.length === 0 || random() < 0.65)) {
          toAdmit--;
          const input = 100 + Math.floor(random() * 1900);
          const maxOutput = 500 + Math.floor(random() * 4500);
          const a = gate.admit(
            ask({
              traceId: `t${toAdmit}`,
              estimatedInputTokens: input,
              worstCaseOutputTokens: maxOutput,
              requestedMaxOutputTokens: maxOutput,
            }),
          );
          if (a.kind === 'admit') {
            admittedCount++;
            inFlight.push({ reservation: a.reservation, input, maxOutput });
          } else {
            assert.ok(a.kind === 'refuse');
            assert.equal(a.code, 'budget_insufficient', a.message);
            refusedCount++;
          }
        } else {
          const [call] = inFlight.splice(Math.floor(random() * inFlight.length), 1);
          if (!call) continue;
          if (random() < 0.1) {
            gate.release(call.reservation);
          } else {
            // Actual usage within the reservation: input up to the estimate, output up to max_tokens.
            const actual = used(
              Math.ceil(call.input * (0.5 + random() / 2)),
              Math.floor(random() * (call.maxOutput + 1)),
            );
            naiveUsed += actual.usage.inputTokens + actual.usage.outputTokens;
            gate.settle(call.reservation, actual);
          }
        }
        const [snap] = gate.snapshot();
        assert.ok(
          snap && snap.usedTokens + snap.reservedTokens <= limit,
          `used + reserved over the limit at step ${steps}`,
        );
      }
      const [final] = gate.snapshot();
      assert.equal(final?.reservedTokens, 0);
      assert.ok((final?.usedTokens ?? Infinity) <= limit, `used ${final?.usedTokens} > ${limit}`);
      assert.ok(admittedCount >= 40, `admitted only ${admittedCount}`);
      assert.ok(refusedCount > 0, 'the scenario must press against the limit');
      assert.equal(admittedCount + refusedCount, 200);
      assert.ok(naiveUsed <= limit);
    });
  }

  it('without reservations the same load would overshoot: a check of used alone admits too much', () => {
    const random = seeded(7);
    const limit = 100_000;
    let usedSoFar = 0;
    const inFlight: number[] = [];
    for (let i = 0; i < 200; i++) {
      // All 200 arrive before any settles: each sees used < limit and would be admitted.
      if (usedSoFar < limit) inFlight.push(100 + Math.floor(random() * 1900) + Math.floor(random() * 4500));
    }
    usedSoFar = inFlight.reduce((a, b) => a + b, 0);
    assert.ok(usedSoFar > limit, 'the scenario is one where naive admission overshoots');
  });

  it('a call admitted before the period rolled does not count in the new period', () => {
    const { gate, clock } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ usedTokens: 900 })] }));
    const a = admitted(gate.admit(ask({ estimatedInputTokens: 50, worstCaseOutputTokens: 50 })));
    clock.now = Date.parse(NEXT_MIDNIGHT) + 1000;
    gate.settle(a.reservation, used(50, 50));
    assert.deepEqual(
      gate.snapshot().map((s) => [s.usedTokens, s.reservedTokens, s.resetsAt]),
      [[0, 0, '2025-06-18T00:00:00.000Z']],
    );
  });

  it('an Exhausted budget is Active again after its reset, until the operator says otherwise', () => {
    const { gate, clock } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ phase: 'Exhausted', usedTokens: 1000 })] }));
    refused(gate.admit(ask()));
    clock.now = Date.parse(NEXT_MIDNIGHT);
    admitted(gate.admit(ask()));
    assert.equal(gate.snapshot()[0]?.phase, 'Active');
  });

  it('raising the limit in a new policy lifts the exhaustion at once', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [budget({ usedTokens: 1000 })] }));
    refused(gate.admit(ask()));
    gate.setPolicy(policy({ budgets: [budget({ usedTokens: 1000, limitTokens: 5000 })] }));
    admitted(gate.admit(ask()));
  });
});

describe('BudgetGate: reasoning budget and SLO actions', () => {
  const reasoning = {
    maxTokensPerRequest: 1000,
    maxCallsPerTrace: 3,
    maxChainDepth: 2,
    useCases: { summarize: { maxTokensPerRequest: 200, maxCallsPerTrace: 5 } },
  };

  it('clamps the max output tokens asked for, and sets them when none were asked', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    const a = admitted(gate.admit(ask({ requestedMaxOutputTokens: 4000, worstCaseOutputTokens: 4000 })));
    assert.equal(a.maxOutputTokens, 1000);
    assert.deepEqual(a.decisions, ['clamped:max_tokens=1000']);
    assert.equal(a.reservation.tokens, 100 + 1000, 'the reservation holds the clamped worst case');
    const none = admitted(
      gate.admit(ask({ traceId: 't2', requestedMaxOutputTokens: undefined, worstCaseOutputTokens: 16384 })),
    );
    assert.equal(none.maxOutputTokens, 1000);
    const less = admitted(
      gate.admit(ask({ traceId: 't3', requestedMaxOutputTokens: 10, worstCaseOutputTokens: 10 })),
    );
    assert.equal(less.maxOutputTokens, undefined);
    const useCase = admitted(
      gate.admit(ask({ traceId: 't4', useCase: 'summarize', requestedMaxOutputTokens: 4000 })),
    );
    assert.equal(useCase.maxOutputTokens, 200);
  });

  it("refuses beyond maxCallsPerTrace, per trace, with the use case's own limit", () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    for (let i = 0; i < 3; i++) admitted(gate.admit(ask({ traceId: 'trace-a' })));
    const r = refused(gate.admit(ask({ traceId: 'trace-a' })));
    assert.equal(r.status, 429);
    assert.equal(r.code, 'reasoning_budget_exceeded');
    assert.match(r.message, /trace trace-a has already made 3 calls, and at most 3 calls per trace/);
    admitted(gate.admit(ask({ traceId: 'trace-b' })));
    admitted(gate.admit(ask({ traceId: 'trace-a', useCase: 'summarize' })));
    admitted(gate.admit(ask({ traceId: 'trace-a', useCase: 'summarize' })));
    assert.match(
      refused(gate.admit(ask({ traceId: 'trace-a', useCase: 'summarize' }))).message,
      /for use case "summarize"/,
    );
  });

  it('refused calls do not count against the trace', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({ budgets: [budget({ phase: 'Exhausted', usedTokens: 1000, useCases: ['x'] })], reasoning }),
    );
    for (let i = 0; i < 5; i++) refused(gate.admit(ask({ traceId: 'trace-a', useCase: 'x' })));
    admitted(gate.admit(ask({ traceId: 'trace-a' })));
  });

  it('refuses beyond maxChainDepth', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    admitted(gate.admit(ask({ chainDepth: 2 })));
    const r = refused(gate.admit(ask({ chainDepth: 3 })));
    assert.equal(r.code, 'reasoning_budget_exceeded');
    assert.match(r.message, /chain depth 3 .* deeper than the maximum of 2/);
  });

  it('Simplify: past a limit the cheaper model answers, capped, priced and held as such', () => {
    const { gate } = gateAt();
    const simplify = {
      ...reasoning,
      maxInputTokensPerRequest: 500,
      onExceeded: 'Simplify',
      simplify: { model: 'gpt-4o-mini', maxTokens: 50 },
      useCases: { strict: { onExceeded: 'Refuse' } },
    };
    gate.setPolicy(policy({ budgets: [budget({ limitTokens: 100_000 })], reasoning: simplify }));
    for (let i = 0; i < 3; i++) {
      const within = admitted(gate.admit(ask({ traceId: 'trace-s' })));
      assert.equal(within.model, 'gpt-4o');
      assert.equal(within.simplified, undefined);
    }
    const past = admitted(gate.admit(ask({ traceId: 'trace-s' })));
    assert.equal(past.model, 'gpt-4o-mini');
    assert.equal(past.maxOutputTokens, 50);
    assert.deepEqual(past.simplified, {
      model: 'gpt-4o-mini',
      exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
    });
    assert.deepEqual(past.decisions, ['simplified:gpt-4o-mini', 'reasoning-exceeded:maxCallsPerTrace=3']);
    assert.equal(past.reservation.tokens, 100 + 50, 'the reservation holds the simplified worst case');
    assert.equal(past.trace, undefined, 'a call past the trace limit is not counted across pods again');

    const long = admitted(gate.admit(ask({ traceId: 't-long', requestedMaxOutputTokens: 4000 })));
    assert.deepEqual(long.decisions, [
      'simplified:gpt-4o-mini',
      'reasoning-exceeded:maxTokensPerRequest=1000',
    ]);
    assert.ok(long.trace, 'a call simplified for its output is still counted across pods');
    const deep = admitted(gate.admit(ask({ traceId: 't-deep', chainDepth: 3 })));
    assert.deepEqual(deep.simplified?.exceeded, { limit: 'maxChainDepth', value: 2, actual: 3 });

    const input = refused(gate.admit(ask({ traceId: 't-in', estimatedInputTokens: 501, chainDepth: 3 })));
    assert.equal(input.status, 400, 'a cheaper model cannot shrink the input');
    assert.equal(input.param, 'messages');
    const strict = refused(gate.admit(ask({ traceId: 't-strict', useCase: 'strict', chainDepth: 3 })));
    assert.equal(strict.status, 429, 'a use case that says Refuse is refused');
  });

  it('LowerReasoningBudget scales maxTokensPerRequest while an SLO burns fast', () => {
    const { gate } = gateAt();
    gate.setPolicy(
      policy({
        budgets: [],
        reasoning,
        slos: [
          { name: 'team-a/latency', fastBurnActions: ['LowerReasoningBudget'], reasoningBudgetPercent: 40 },
        ],
      }),
    );
    const a = admitted(gate.admit(ask({ requestedMaxOutputTokens: 4000, worstCaseOutputTokens: 4000 })));
    assert.equal(a.maxOutputTokens, 400);
    assert.deepEqual(a.decisions, ['reasoning-lowered:40%:team-a/latency', 'clamped:max_tokens=400']);
  });

  it('ShedNonCritical refuses non-critical agents with 503 and lets critical ones through', () => {
    const slos = [{ name: 'team-a/errors', fastBurnActions: ['ShedNonCritical'] }];
    const { gate } = gateAt();
    gate.setPolicy(policy({ slos }));
    const r = refused(gate.admit(ask()));
    assert.equal(r.status, 503);
    assert.equal(r.code, 'shed_non_critical');
    assert.match(r.message, /SLO "team-a\/errors".*agent team-a\/support-bot is not critical/);
    gate.setPolicy(policy({ slos, agent: { namespace: 'team-a', name: 'pager', critical: true } }));
    admitted(gate.admit(ask()));
  });

  it('never counts calls under a trace id the sidecar generated (each is new), nor remembers it', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    for (let i = 0; i < 5; i++) admitted(gate.admit(ask({ traceId: 'generated-1', traceGenerated: true })));
    // The agent's own traces are still counted: three calls, then the fourth is refused.
    for (let i = 0; i < 3; i++) admitted(gate.admit(ask({ traceId: 'trace-b' })));
    refused(gate.admit(ask({ traceId: 'trace-b' })));
  });

  it('applies a changed policy to the next call (limits are worked out per policy, not kept)', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    for (let i = 0; i < 3; i++) admitted(gate.admit(ask({ traceId: 'trace-c' })));
    refused(gate.admit(ask({ traceId: 'trace-c' })));
    gate.setPolicy(policy({ budgets: [], reasoning: { ...reasoning, maxCallsPerTrace: 10 } }));
    admitted(gate.admit(ask({ traceId: 'trace-c' })));
  });

  it('refuses a request whose estimated input is over maxInputTokensPerRequest with 400, naming limit and estimate', () => {
    const { gate } = gateAt();
    const withInput = {
      ...reasoning,
      maxInputTokensPerRequest: 500,
      useCases: { ...reasoning.useCases, long: { maxInputTokensPerRequest: 5000 } },
    };
    gate.setPolicy(policy({ budgets: [], reasoning: withInput }));
    admitted(gate.admit(ask({ traceId: 'in-1', estimatedInputTokens: 500 })));
    const r = refused(gate.admit(ask({ traceId: 'in-2', estimatedInputTokens: 501 })));
    assert.equal(r.status, 400);
    assert.equal(r.code, 'reasoning_budget_exceeded');
    assert.equal(r.param, 'messages');
    assert.match(r.message, /estimated at 501 tokens, more than maxInputTokensPerRequest 500\./);
    const responses = refused(
      gate.admit(ask({ api: 'responses', traceId: 'in-3', estimatedInputTokens: 900 })),
    );
    assert.equal(responses.param, 'input');
    admitted(gate.admit(ask({ traceId: 'in-4', useCase: 'long', estimatedInputTokens: 4000 })));
    assert.match(
      refused(gate.admit(ask({ traceId: 'in-5', useCase: 'long', estimatedInputTokens: 5001 }))).message,
      /maxInputTokensPerRequest 5000 for use case "long"/,
    );
    // A refused call is not counted against its trace.
    for (let i = 0; i < 3; i++) admitted(gate.admit(ask({ traceId: 'in-2' })));
  });

  it("asks for a count across pods only for admitted calls of the agent's own trace under a limit", () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    const first = admitted(gate.admit(ask({ traceId: 'shared-1' })));
    assert.deepEqual(first.trace, { traceId: 'shared-1', limit: 3, seen: 0 });
    assert.deepEqual(admitted(gate.admit(ask({ traceId: 'shared-1', useCase: 'summarize' }))).trace, {
      traceId: 'shared-1',
      limit: 5,
      seen: 1,
      useCase: 'summarize',
    });
    assert.equal(admitted(gate.admit(ask({ traceId: 'g-1', traceGenerated: true }))).trace, undefined);
    gate.setPolicy(policy({ budgets: [], reasoning: { useCases: {} } }));
    assert.equal(admitted(gate.admit(ask({ traceId: 'shared-2' }))).trace, undefined);
  });

  it('takes the count across pods as its own, so a trace over its limit is refused without asking again', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy({ budgets: [], reasoning }));
    admitted(gate.admit(ask({ traceId: 'shared-3' })));
    gate.noteTraceCalls('shared-3', 3);
    assert.match(refused(gate.admit(ask({ traceId: 'shared-3' }))).message, /already made 3 calls/);
    gate.noteTraceCalls('shared-3', 1); // never lowered
    refused(gate.admit(ask({ traceId: 'shared-3' })));
  });

  it('forgets traces after their time to live', () => {
    const clock = { now: T0 };
    const gate = new BudgetGate({ now: () => clock.now, traceTtlMs: 60_000 });
    gate.setPolicy(policy({ budgets: [], reasoning }));
    for (let i = 0; i < 3; i++) admitted(gate.admit(ask({ traceId: 'trace-a' })));
    refused(gate.admit(ask({ traceId: 'trace-a' })));
    clock.now += 61_000;
    admitted(gate.admit(ask({ traceId: 'trace-a' })));
  });
});

describe('BudgetGate: bad input', () => {
  it('refuses a token estimate that is not a non-negative number, naming the field', () => {
    const { gate } = gateAt();
    gate.setPolicy(policy());
    assert.throws(
      () => gate.admit(ask({ estimatedInputTokens: Number.NaN })),
      /estimatedInputTokens must be a non-negative number of tokens, got NaN/,
    );
    assert.throws(
      () => gate.admit(ask({ worstCaseOutputTokens: -1 })),
      /worstCaseOutputTokens must be a non-negative number of tokens, got -1/,
    );
  });

  it('names the budget whose period cannot be computed', () => {
    const { gate } = gateAt();
    // The schema checks the time zone; a policy built in code can still carry a bad one.
    const p = policy();
    const b = p.budgets[0];
    assert.ok(b);
    b.period = { reset: 'Cron', timeZone: 'UTC', schedule: 'at noon' };
    assert.throws(
      () => gate.setPolicy(p),
      /TokenBudget "team-a\/daily": budget period: schedule "at noon" is not a five-field cron expression/,
    );
  });
});
