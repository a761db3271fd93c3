import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentSLOSpec } from '../../apis/agent-slo.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { fastBurnHolds, firingAlerts, SLO_WINDOWS, type SLOWindow } from './burn-rate-alerts.js';
import { latencyAtPercentile } from './latency-percentile.js';
import { latencyBound } from './latency-threshold.js';
import { evaluateSLO } from './slo-evaluation.js';
import { ledgerWithTraffic } from './testdata/traffic.js';

type Spec = Pick<AgentSLOSpec, 'window' | 'objectives'>;
const now = new Date('2025-03-11T12:00:00Z');
const success: Spec = {
  window: '3d',
  objectives: { success: { target: '99.5', countAsFailure: ['ServerError', 'Timeout'] } },
};
const latency: Spec = { window: '3d', objectives: { latency: { threshold: '1s', target: '95' } } };

function rates(values: Partial<Record<SLOWindow, number>>): Record<SLOWindow, number> {
  return Object.fromEntries(SLO_WINDOWS.map((w) => [w, values[w] ?? 0])) as Record<SLOWindow, number>;
}

describe('latencyBound', () => {
  const cases: { threshold: number; bound?: number; exact?: boolean }[] = [
    { threshold: 1000, bound: 1000, exact: true },
    { threshold: 50, bound: 50, exact: true },
    { threshold: 1200, bound: 1000, exact: false },
    { threshold: 999, bound: 750, exact: false },
    { threshold: 120_000, bound: 60_000, exact: false },
    { threshold: 30 },
  ];
  for (const c of cases) {
    it(`judges a ${c.threshold} ms threshold against ${c.bound ?? 'nothing'}`, () => {
      const b = latencyBound(c.threshold);
      if (c.bound === undefined) {
        assert.equal(b.ok, false);
        assert.match(
          b.ok ? '' : b.message,
          /spec\.objectives\.latency\.threshold: 30ms is below the smallest latency bucket sidecars report \(50ms\)/,
        );
        return;
      }
      assert.ok(b.ok);
      assert.equal(b.boundMs, c.bound);
      assert.equal(b.exact, c.exact);
    });
  }
});

describe('latencyAtPercentile', () => {
  const slots = (filled: Record<number, number>) => Array.from({ length: 14 }, (_, i) => filled[i] ?? 0);
  const cases: { name: string; slots: number[]; p: number; ms?: number; overflow?: boolean }[] = [
    { name: 'interpolates within the first bucket from 0', slots: slots({ 0: 100 }), p: 95, ms: 47.5 },
    {
      name: 'interpolates within a later bucket from its lower bound',
      slots: slots({ 0: 50, 5: 50 }),
      p: 95,
      ms: 975,
    },
    { name: 'lands on a bucket bound exactly', slots: slots({ 2: 95, 9: 5 }), p: 95, ms: 250 },
    {
      name: 'reports overflow beyond the largest bound',
      slots: slots({ 0: 90, 13: 10 }),
      p: 95,
      ms: 60_000,
      overflow: true,
    },
    { name: 'knows nothing without calls', slots: slots({}), p: 95 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const observed = latencyAtPercentile(c.slots, c.p);
      if (c.ms === undefined) return assert.equal(observed, undefined);
      assert.ok(observed);
      assert.ok(Math.abs(observed.ms - c.ms) < 1e-9, `${observed.ms} ≈ ${c.ms}`);
      assert.equal(observed.overflow, c.overflow ?? false);
    });
  }
});

describe('multiwindow burn-rate alerts', () => {
  const cases: { name: string; rates: Partial<Record<SLOWindow, number>>; firing: string[] }[] = [
    { name: 'fast burn needs both 1h and 5m at 14.4', rates: { '1h': 14.4, '5m': 20 }, firing: ['FastBurn'] },
    { name: 'a burst in 5m alone does not page', rates: { '1h': 3, '5m': 50 }, firing: [] },
    { name: 'a past burst in 1h alone does not page', rates: { '1h': 20, '5m': 2 }, firing: [] },
    { name: 'high burn: 6× over 6h and 30m', rates: { '6h': 6, '30m': 7 }, firing: ['HighBurn'] },
    { name: 'steady burn: 3× over 1d and 2h', rates: { '1d': 3.1, '2h': 4 }, firing: ['SteadyBurn'] },
    { name: 'slow burn: 1× over 3d and 6h', rates: { '3d': 1, '6h': 1.5 }, firing: ['SlowBurn'] },
    {
      name: 'a sustained outage fires them all',
      rates: Object.fromEntries(SLO_WINDOWS.map((w) => [w, 30])),
      firing: ['FastBurn', 'HighBurn', 'SteadyBurn', 'SlowBurn'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        firingAlerts(rates(c.rates)).map((a) => a.name),
        c.firing,
      );
    });
  }
});

describe('fast burn hysteresis', () => {
  const cases: { was: boolean; h1: number; m5: number; now: boolean; why: string }[] = [
    { was: false, h1: 15, m5: 15, now: true, why: 'starts when both windows reach 14.4×' },
    { was: false, h1: 15, m5: 10, now: false, why: 'does not start on the long window alone' },
    { was: false, h1: 10, m5: 15, now: false, why: 'does not start on the short window alone' },
    { was: true, h1: 15, m5: 10, now: true, why: 'holds while the long window is still above' },
    { was: true, h1: 10, m5: 15, now: true, why: 'holds while the short window is still above' },
    { was: true, h1: 14.3, m5: 0, now: false, why: 'clears when both windows are below' },
  ];
  for (const c of cases) {
    it(c.why, () => assert.equal(fastBurnHolds(c.was, rates({ '1h': c.h1, '5m': c.m5 })), c.now));
  }
});

describe('evaluateSLO', () => {
  it('computes the SLI, error budget and burn rates of steady traffic', () => {
    // 3 days of 100 calls a minute, 0.2 % failing: 40 % of a 0.5 % budget spent.
    const ledger = ledgerWithTraffic(now, 3 * 1440, () => ({ calls: 500, failed: 1 }));
    const e = evaluateSLO(success, ledger, now, false);
    assert.ok(e.ok);
    assert.equal(e.success?.calls, 3 * 1440 * 500);
    assert.ok(Math.abs((e.success?.goodRatio ?? 0) - 0.998) < 1e-9);
    assert.ok(Math.abs(e.errorBudgetRemaining - 0.6) < 1e-9);
    for (const w of SLO_WINDOWS) assert.ok(Math.abs(e.burnRates[w] - 0.4) < 1e-9, `${w}: ${e.burnRates[w]}`);
    assert.equal(e.fastBurn, false);
    assert.deepEqual(e.success?.alerts, []);
  });

  it('detects a fast burn from the last hour of failures, and only the fast one', () => {
    const ledger = ledgerWithTraffic(now, 3 * 1440, (ago) =>
      ago < 60 ? { calls: 100, failed: 10 } : { calls: 100 },
    );
    const e = evaluateSLO(success, ledger, now, false);
    assert.ok(e.ok);
    assert.ok(e.burnRates['1h'] >= 14.4 && e.burnRates['5m'] >= 14.4);
    assert.equal(e.fastBurn, true);
    assert.deepEqual(
      e.success?.alerts.map((a) => a.name),
      ['FastBurn'],
    );
  });

  it('clears the fast burn once both windows are below, not before', () => {
    // Failures stopped 10 minutes ago: 5m is clean, 1h still burns.
    const ledger = ledgerWithTraffic(now, 3 * 1440, (ago) =>
      ago >= 10 && ago < 70 ? { calls: 100, failed: 10 } : { calls: 100 },
    );
    const burning = evaluateSLO(success, ledger, now, true);
    assert.ok(burning.ok);
    assert.equal(burning.burnRates['5m'], 0);
    assert.equal(burning.fastBurn, true, 'the long window still holds it');
    const later = new Date(now.getTime() + 3_600_000);
    const cleared = evaluateSLO(success, ledger, later, true);
    assert.ok(cleared.ok);
    assert.equal(cleared.fastBurn, false);
  });

  it('judges latency against the threshold bound and reports the observed percentile', () => {
    // 4 % of calls take 2.5 s: P95 is still under 1 s; 80 % of a 5 % budget spent.
    const ledger = ledgerWithTraffic(now, 1440, () => ({ calls: 100, slow: 4, latencyMs: 600 }));
    const e = evaluateSLO({ ...latency, window: '1d' }, ledger, now, false);
    assert.ok(e.ok && e.latency);
    assert.equal(e.latency.boundMs, 1000);
    assert.ok(Math.abs((e.latency.goodRatio ?? 0) - 0.96) < 1e-9);
    assert.ok(Math.abs(e.errorBudgetRemaining - 0.2) < 1e-9);
    // 95th of 100: inside the 500–750 ms bucket holding 96 calls.
    assert.ok(Math.abs((e.latency.observed?.ms ?? 0) - (500 + 250 * (95 / 96))) < 1e-6);
  });

  it('judges each objective on its own windows', () => {
    // Latency burns over the last hour but not in the last 5 minutes; failures only in the last 5.
    const ledger = ledgerWithTraffic(now, 1440, (ago) => {
      if (ago < 5) return { calls: 100, failed: 10 };
      if (ago < 60) return { calls: 100, slow: 90 };
      return { calls: 100 };
    });
    const both: Spec = { window: '1d', objectives: { ...latency.objectives, ...success.objectives } };
    const e = evaluateSLO(both, ledger, now, false);
    assert.ok(e.ok);
    assert.ok((e.latency?.burnRates['1h'] ?? 0) >= 14.4);
    assert.ok((e.success?.burnRates['5m'] ?? 0) >= 14.4);
    assert.equal(e.fastBurn, false);
    assert.ok(e.burnRates['1h'] >= 14.4 && e.burnRates['5m'] >= 14.4, 'the status shows the worst of both');
  });

  it('counts only the outcomes listed as failures', () => {
    const ledger = ledgerWithTraffic(now, 60, () => ({ calls: 100, failed: 50 }));
    const lenient = evaluateSLO(
      { window: '1h', objectives: { success: { target: '99', countAsFailure: ['Timeout'] } } },
      ledger,
      now,
      false,
    );
    assert.ok(lenient.ok);
    assert.equal(lenient.success?.bad, 0);
  });

  it('answers for an SLO without traffic: nothing spent, no burn', () => {
    const e = evaluateSLO(success, emptyLedger('support'), now, false);
    assert.ok(e.ok);
    assert.equal(e.errorBudgetRemaining, 1);
    assert.equal(e.success?.goodRatio, undefined);
    assert.equal(e.burnRates['1h'], 0);
  });

  it('clips a window longer than the ledgers keep, and says so', () => {
    const e = evaluateSLO({ ...success, window: '180d' }, emptyLedger('support'), now, false);
    assert.ok(e.ok);
    assert.equal(e.windowClipped, true);
    assert.equal(e.windowMs, 92 * 86_400_000);
  });

  it('refuses a threshold below the smallest bucket, naming the field', () => {
    const e = evaluateSLO(
      { window: '1d', objectives: { latency: { threshold: '20ms', target: '99' } } },
      emptyLedger('support'),
      now,
      false,
    );
    assert.equal(e.ok, false);
    assert.equal(e.ok ? '' : e.reason, 'ThresholdNotMeasurable');
  });
});
