import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftSpec } from '../../apis/drift/drift-spec.js';
import { emptyShape } from '../../apis/ledger/bucket-shapes.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { LATENCY_SLOTS, type LatencyBucket, type UsageLedgerSpec } from '../../apis/usage-ledger.js';
import { driftSpans, evaluateDrift } from './drift-evaluation.js';

const NOW = new Date('2026-03-02T10:30:20Z');
const minute = (minutesAgo: number) => new Date(Date.parse('2026-03-02T10:30:00Z') - minutesAgo * 60_000);

/** A minute bucket of `calls` calls, each with `completionSlot` as its completion-token slot. */
function bucket(minutesAgo: number, calls: number, completionSlot: number, errors = 0): LatencyBucket {
  const shape = emptyShape();
  shape.promptTokens[2] = calls;
  shape.completionTokens[completionSlot] = calls;
  shape.finishReasons.Stop = calls;
  const latency = new Array<number>(LATENCY_SLOTS).fill(0);
  latency[3] = calls;
  return {
    start: minute(minutesAgo).toISOString(),
    latency,
    outcomes: { Success: calls - errors, ...(errors ? { ServerError: errors } : {}) },
    shape,
  };
}

function ledger(agent: string, minutes: LatencyBucket[]): UsageLedgerSpec {
  const l = emptyLedger(agent);
  l.buckets.minutes = minutes;
  return l;
}

const spec = driftSpec.parse({ window: '1m', baseline: { last: '10m' }, minSamples: 20 });

describe('evaluateDrift', () => {
  it('flags completion tokens when the answers of the window grew 3×, and only the signals that moved', () => {
    const writer = ledger('writer', [bucket(5, 100, 1), bucket(3, 100, 1), bucket(0, 40, 3)]);
    const result = evaluateDrift(spec, [{ agent: 'writer', ledger: writer }], NOW, undefined);
    assert.ok(result.ok);
    const [agent] = result.status.agents;
    assert.ok(agent);
    assert.deepEqual(agent.drifting, ['completionTokens']);
    assert.equal(agent.since, NOW.toISOString());
    const completion = agent.scores.find((s) => s.signal === 'completionTokens');
    // All calls moved from slot 1 to slot 3: 2 · (1 − 1e-4) · ln(1e4) = 18.419.
    assert.deepEqual(completion, {
      signal: 'completionTokens',
      score: '18.419',
      windowSamples: 40,
      baselineSamples: 200,
    });
    assert.equal(agent.scores.find((s) => s.signal === 'promptTokens')?.score, '0.000');
    assert.deepEqual(result.transitions, [
      {
        agent: 'writer',
        kind: 'DriftDetected',
        drifting: [{ signal: 'completionTokens', score: 18.419, threshold: 0.25 }],
      },
    ]);
  });

  it('keeps since while drifting, and clears with a transition when the window looks like the baseline again', () => {
    const drifting = ledger('writer', [bucket(5, 100, 1), bucket(0, 40, 3)]);
    const first = evaluateDrift(spec, [{ agent: 'writer', ledger: drifting }], minute(-0.1), undefined);
    assert.ok(first.ok);
    const later = new Date(NOW.getTime() + 10_000);
    const second = evaluateDrift(spec, [{ agent: 'writer', ledger: drifting }], later, first.status);
    assert.ok(second.ok);
    assert.equal(second.status.agents[0]?.since, first.status.agents[0]?.since);
    assert.deepEqual(second.transitions, []);
    const calm = ledger('writer', [bucket(5, 100, 1), bucket(0, 40, 1)]);
    const third = evaluateDrift(spec, [{ agent: 'writer', ledger: calm }], later, second.status);
    assert.ok(third.ok);
    assert.deepEqual(third.status.agents[0]?.drifting, []);
    assert.equal(third.status.agents[0]?.since, undefined);
    assert.deepEqual(third.transitions, [{ agent: 'writer', kind: 'DriftCleared', drifting: [] }]);
  });

  it('scores nothing while a side has fewer than minSamples calls', () => {
    const thin = ledger('writer', [bucket(5, 100, 1), bucket(0, 19, 3)]);
    const result = evaluateDrift(spec, [{ agent: 'writer', ledger: thin }], NOW, undefined);
    assert.ok(result.ok);
    assert.equal(
      result.status.agents[0]?.scores.find((s) => s.signal === 'completionTokens')?.score,
      undefined,
    );
    assert.deepEqual(result.status.agents[0]?.drifting, []);
  });

  it('reads the error rate from outcomes and uses KS and per-signal thresholds when asked', () => {
    const ks = driftSpec.parse({
      statistic: 'KS',
      window: '1m',
      baseline: { last: '10m' },
      minSamples: 20,
      signals: ['errorRate', 'completionTokens'],
      thresholds: [{ signal: 'completionTokens', threshold: '1.1' }],
    });
    const erring = ledger('writer', [bucket(5, 100, 1, 0), bucket(0, 40, 3, 10)]);
    const result = evaluateDrift(ks, [{ agent: 'writer', ledger: erring }], NOW, undefined);
    assert.ok(result.ok);
    const agent = result.status.agents[0];
    // Error share 0 against 0.25: KS 0.25 ≥ 0.2. Completion KS is 1, under its own threshold 1.1.
    assert.equal(agent?.scores.find((s) => s.signal === 'errorRate')?.score, '0.250');
    assert.equal(agent?.scores.find((s) => s.signal === 'completionTokens')?.score, '1.000');
    assert.deepEqual(agent?.drifting, ['errorRate']);
  });

  it('puts the window in whole minutes ending now and the baseline right before it, or fixed', () => {
    const spans = driftSpans({ window: '5m', baseline: { last: '1h' } }, NOW);
    assert.ok(spans.ok);
    assert.equal(new Date(spans.window.start).toISOString(), '2026-03-02T10:26:00.000Z');
    assert.equal(new Date(spans.baseline.start).toISOString(), '2026-03-02T09:26:00.000Z');
    assert.equal(spans.baseline.end, spans.window.start);
    const fixed = driftSpans(
      { window: '5m', baseline: { start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z' } },
      NOW,
    );
    assert.ok(fixed.ok);
    assert.equal(fixed.baseline.end, Date.parse('2026-03-02T00:00:00Z'));
  });

  it('says which field makes the drift unmeasurable', () => {
    const overlapping = driftSpans(
      { window: '1h', baseline: { start: '2026-03-02T00:00:00Z', end: '2026-03-02T10:00:00Z' } },
      NOW,
    );
    assert.ok(!overlapping.ok);
    assert.match(overlapping.message, /^spec\.drift\.baseline\.end: .* is inside the window/);
    const zero = evaluateDrift({ ...spec, threshold: '0' }, [], NOW, undefined);
    assert.ok(!zero.ok);
    assert.equal(zero.reason, 'InvalidDriftThreshold');
  });

  it('refuses a baseline with last and a fixed span both, as the CRD does', () => {
    const parsed = driftSpec.safeParse({
      baseline: { last: '7d', start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z' },
    });
    assert.ok(!parsed.success);
    assert.match(parsed.error.message, /set baseline.last, or both baseline.start and baseline.end/);
  });
});
