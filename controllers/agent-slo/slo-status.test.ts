import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentSLOSpec, agentSLOStatus } from '../../apis/agent-slo.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { evaluateSLO } from './slo-evaluation.js';
import { FAST_BURN_CONDITION, percentText, sloStatus } from './slo-status.js';
import { ledgerWithTraffic } from './testdata/traffic.js';

const now = new Date('2025-03-11T12:00:00Z');
const spec: Pick<AgentSLOSpec, 'window' | 'objectives' | 'onFastBurn'> = {
  window: '1d',
  objectives: {
    latency: { threshold: '1s', target: '95' },
    success: { target: '99.5', countAsFailure: ['ServerError', 'Timeout', 'StaticFallback'] },
  },
  onFastBurn: {
    actions: ['SwitchToFallback', 'LowerReasoningBudget'],
    reasoningBudgetPercent: 50,
    switchBackAfter: '5m',
  },
};

function status(ledger = ledgerWithTraffic(now, 1440, () => ({ calls: 100, latencyMs: 600 })), was = false) {
  return sloStatus({ spec, generation: 4, evaluation: evaluateSLO(spec, ledger, now, was), agents: 1, now });
}

describe('sloStatus', () => {
  it('shows what `kubectl get slo` prints: latency, success, budget left, burn rates', () => {
    const s = status();
    assert.ok(agentSLOStatus.safeParse(s).success, 'matches the CRD schema');
    assert.equal(s.latency?.observed, '738ms'); // 500 + 250 × 0.95
    assert.equal(s.latency?.goodPercent, '100');
    assert.equal(s.success?.observedPercent, '100');
    assert.equal(s.errorBudgetRemainingPercent, '100');
    assert.deepEqual(
      s.burnRates?.map((r) => r.window),
      ['5m', '30m', '1h', '6h', '1d', '3d'],
    );
    assert.equal(s.fastBurn, false);
    assert.equal(s.observedGeneration, 4);
    assert.deepEqual(
      s.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'True', 'ObjectivesMet'],
        [FAST_BURN_CONDITION, 'False', 'BurnRateBelow14x'],
      ],
    );
    assert.equal(
      s.conditions?.[0]?.message,
      'P95 738ms (objective 1s), 100 % success (objective 99.5 %); 100 % of the error budget left over 1d.',
    );
  });

  it('reports a fast burn and the actions it applies', () => {
    const ledger = ledgerWithTraffic(now, 1440, (ago) =>
      ago < 60 ? { calls: 100, failed: 20 } : { calls: 100 },
    );
    const s = status(ledger);
    assert.equal(s.fastBurn, true);
    // 1h reaches back to the start of its first minute: 1200 failures in 6100 calls, over 0.5 %.
    assert.equal(s.burnRates?.find((r) => r.window === '1h')?.rate, '39.34');
    const ready = s.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'FastBurn');
    assert.match(ready?.message ?? '', /Fast burn: SwitchToFallback, LowerReasoningBudget applied/);
    assert.equal(s.conditions?.find((c) => c.type === FAST_BURN_CONDITION)?.status, 'True');
    assert.equal(
      Number(s.errorBudgetRemainingPercent) < 0,
      true,
      '1200 failures of 144000 overspend a 0.5 % budget',
    );
  });

  it('says when there is no traffic yet', () => {
    const s = status(emptyLedger('support'));
    assert.equal(s.conditions?.[0]?.reason, 'NoTraffic');
    assert.equal(s.latency?.observed, undefined);
    assert.equal(s.errorBudgetRemainingPercent, '100');
  });

  it('notes a threshold rounded down to a bucket bound', () => {
    const rounded = { ...spec, objectives: { latency: { threshold: '1200ms', target: '95' } } };
    const ledger = ledgerWithTraffic(now, 60, () => ({ calls: 10 }));
    const s = sloStatus({
      spec: rounded,
      evaluation: evaluateSLO(rounded, ledger, now, false),
      agents: 1,
      now,
    });
    assert.match(
      s.conditions?.[0]?.message ?? '',
      /threshold 1200ms falls inside a latency bucket, so calls count as fast up to 1s/,
    );
  });

  it('is Stalled, without numbers or fast burn, when the objective cannot be measured', () => {
    const bad = { ...spec, objectives: { latency: { threshold: '10ms', target: '99' } } };
    const s = sloStatus({
      spec: bad,
      generation: 2,
      evaluation: evaluateSLO(bad, emptyLedger('x'), now, true),
      agents: 1,
      now,
    });
    assert.equal(s.fastBurn, false);
    assert.equal(s.latency, undefined);
    assert.deepEqual(
      s.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'False', 'ThresholdNotMeasurable'],
        ['Stalled', 'True', 'ThresholdNotMeasurable'],
        [FAST_BURN_CONDITION, 'False', 'BurnRateBelow14x'],
      ],
    );
    assert.match(s.conditions?.[0]?.message ?? '', /^spec\.objectives\.latency\.threshold: 10ms/);
  });

  const percents: [number, string][] = [
    [1, '100'],
    [0.99623, '99.623'],
    [0.9999999, '100'],
    [-0.3512, '-35.12'],
    [0, '0'],
  ];
  for (const [ratio, text] of percents) {
    it(`writes ${ratio} as "${text}" %`, () => assert.equal(percentText(ratio), text));
  }
});
