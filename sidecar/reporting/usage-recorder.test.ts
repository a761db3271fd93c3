import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATENCY_BUCKETS_MS, TOKEN_BUCKETS, TOKEN_SLOTS } from '../../apis/usage-batch.js';
import { requestRecord } from '../telemetry/testdata/request-records.js';
import { latencyBucket, tokenBucket, UsageRecorder } from './usage-recorder.js';

const at = (iso: string) => Date.parse(iso);

describe('UsageRecorder', () => {
  it('keeps experiment variants apart and tallies their calls, errors and the sums of squares; a refused call is no call of its variant', () => {
    const recorder = new UsageRecorder();
    const control = { name: 'support-model', variant: 'control' };
    const mini = { name: 'support-model', variant: 'mini' };
    recorder.record(requestRecord({ experiment: control, timings: { totalMs: 100, upstreamMs: 99 } }));
    recorder.record(
      requestRecord({
        experiment: control,
        outcome: 'ServerError',
        status: 502,
        usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false },
        costMicros: 0,
        timings: { totalMs: 300, upstreamMs: 299 },
      }),
    );
    recorder.record(requestRecord({ experiment: mini, model: 'gpt-4o-mini', costMicros: 40 }));
    recorder.record(
      requestRecord({
        experiment: mini,
        model: 'gpt-4o-mini',
        outcome: 'Rejected',
        status: 429,
        usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false },
        costMicros: 0,
        timings: { totalMs: 1, upstreamMs: 0 },
      }),
    );
    recorder.record(requestRecord());
    const entries = recorder.drain();
    assert.equal(entries.length, 3);
    const byVariant = new Map(entries.map((e) => [e.experiment?.variant ?? '-', e]));
    assert.deepEqual(byVariant.get('control')?.experiment, {
      name: 'support-model',
      variant: 'control',
      calls: 2,
      errors: 1,
      tokensSquares: 150 * 150,
      costMicrosSquares: 600 * 600,
      latencyMs: 400,
      latencyMsSquares: 100 * 100 + 300 * 300,
    });
    assert.equal(byVariant.get('control')?.requests, 2);
    const minis = byVariant.get('mini');
    assert.equal(minis?.requests, 2);
    assert.deepEqual(minis?.outcomes, { Success: 1, Rejected: 1 });
    assert.equal(minis?.experiment?.calls, 1);
    assert.equal(minis?.experiment?.latencyMs, 180);
    assert.equal(byVariant.get('-')?.experiment, undefined);
  });

  it('adds requests of one minute, model, route, target and use case into one entry', () => {
    const recorder = new UsageRecorder();
    recorder.record(requestRecord({ startedAt: at('2025-03-01T10:15:01Z') }));
    recorder.record(
      requestRecord({
        startedAt: at('2025-03-01T10:15:59.999Z'),
        usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, estimated: true },
        costMicros: 40.4,
        outcome: 'StaticFallback',
        timings: { totalMs: 1200, upstreamMs: 1100 },
      }),
    );
    const [entry, ...rest] = recorder.drain();
    assert.equal(rest.length, 0);
    assert.deepEqual(entry, {
      minute: '2025-03-01T10:15:00.000Z',
      model: 'gpt-4o',
      route: 'gpt-4o',
      target: 'openai-eu',
      requests: 2,
      inputTokens: 130,
      outputTokens: 35,
      cachedInputTokens: 4,
      estimatedTokens: 15,
      costMicros: 640,
      outcomes: { Success: 1, StaticFallback: 1 },
      latencyBuckets: [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
      // Only the answered call has a shape: 120 prompt tokens (≤ 128), 30 completion tokens (≤ 32).
      shape: {
        promptTokens: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        completionTokens: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        finishReasons: {},
        refusals: 0,
        toolCalls: 0,
        reAsks: 0,
      },
    });
  });

  it('keeps costs in different currencies and calls with no price in entries of their own', () => {
    const recorder = new UsageRecorder();
    const minute = at('2025-03-01T10:15:00Z');
    recorder.record(requestRecord({ startedAt: minute }));
    recorder.record(requestRecord({ startedAt: minute, costMicros: 500, currency: 'EUR' }));
    recorder.record(requestRecord({ startedAt: minute, costMicros: 0, unpriced: true }));
    recorder.record(requestRecord({ startedAt: minute, costMicros: 0, unpriced: true }));
    const entries = recorder.drain();
    assert.deepEqual(
      entries.map((e) => [e.currency, e.unpriced, e.requests, e.costMicros]),
      [
        [undefined, undefined, 1, 600],
        ['EUR', undefined, 1, 500],
        [undefined, true, 2, 0],
      ],
    );
  });

  it('keeps minutes, models, targets and use cases apart, oldest minute first', () => {
    const recorder = new UsageRecorder();
    recorder.record(requestRecord({ startedAt: at('2025-03-01T10:16:00Z') }));
    recorder.record(requestRecord({ startedAt: at('2025-03-01T10:15:00Z') }));
    recorder.record(requestRecord({ startedAt: at('2025-03-01T10:15:00Z'), model: 'gpt-4o-mini' }));
    recorder.record(requestRecord({ startedAt: at('2025-03-01T10:15:00Z'), target: 'openai-us' }));
    recorder.record(requestRecord({ startedAt: at('2025-03-01T10:15:00Z'), useCase: 'triage' }));
    recorder.record(
      requestRecord({
        startedAt: at('2025-03-01T10:15:00Z'),
        target: undefined,
        route: undefined,
        outcome: 'Rejected',
      }),
    );
    const entries = recorder.drain();
    assert.equal(entries.length, 6);
    assert.equal(entries[0]!.minute, '2025-03-01T10:15:00.000Z');
    assert.equal(entries.at(-1)!.minute, '2025-03-01T10:16:00.000Z');
    assert.ok(entries.some((e) => e.useCase === 'triage'));
    assert.ok(entries.some((e) => e.target === undefined && e.outcomes.Rejected === 1 && !('target' in e)));
  });

  it('shapes answered calls for drift: token buckets, finish reasons, refusals, tool calls, re-asks; failed calls have no shape', () => {
    const recorder = new UsageRecorder();
    const tokens = (inputTokens: number, outputTokens: number) => ({
      inputTokens,
      outputTokens,
      cachedInputTokens: 0,
      estimated: false,
    });
    recorder.record(
      requestRecord({
        usage: tokens(20, 8),
        answer: { finishReason: 'Stop', toolCall: false, refusal: false },
      }),
    );
    recorder.record(
      requestRecord({
        usage: tokens(20, 30),
        answer: { finishReason: 'ToolCalls', toolCall: true, refusal: false },
        reAsk: true,
      }),
    );
    recorder.record(
      requestRecord({
        usage: tokens(100_000, 9),
        answer: { finishReason: 'ContentFilter', toolCall: false, refusal: true },
      }),
    );
    recorder.record(requestRecord({ outcome: 'ServerError', status: 502, usage: tokens(0, 0) }));
    const [entry] = recorder.drain();
    const slots = (...filled: [number, number][]) => {
      const counts = new Array<number>(TOKEN_SLOTS).fill(0);
      for (const [slot, n] of filled) counts[slot] = n;
      return counts;
    };
    assert.equal(entry?.requests, 4);
    assert.deepEqual(entry?.shape, {
      promptTokens: slots([2, 2], [TOKEN_SLOTS - 1, 1]),
      completionTokens: slots([0, 1], [1, 1], [2, 1]),
      finishReasons: { Stop: 1, ToolCalls: 1, ContentFilter: 1 },
      refusals: 1,
      toolCalls: 1,
      reAsks: 1,
    });
  });

  it('hands each request over once: a drain empties it', () => {
    const recorder = new UsageRecorder();
    recorder.record(requestRecord());
    assert.equal(recorder.drain().length, 1);
    assert.deepEqual(recorder.drain(), []);
    assert.equal(recorder.size, 0);
  });
});

describe('latencyBucket', () => {
  const cases: [number, number][] = [
    [0, 0],
    [50, 0],
    [50.1, 1],
    [999, 5],
    [1000, 5],
    [1000.5, 6],
    [60_000, LATENCY_BUCKETS_MS.length - 1],
    [60_001, LATENCY_BUCKETS_MS.length],
  ];
  for (const [ms, index] of cases) {
    it(`puts ${ms} ms in bucket ${index}`, () => assert.equal(latencyBucket(ms), index));
  }
});

describe('tokenBucket', () => {
  const cases: [number, number][] = [
    [0, 0],
    [8, 0],
    [9, 1],
    [30, 2],
    [65_536, TOKEN_BUCKETS.length - 1],
    [65_537, TOKEN_BUCKETS.length],
  ];
  for (const [tokens, index] of cases) {
    it(`puts ${tokens} tokens in bucket ${index}`, () => assert.equal(tokenBucket(tokens), index));
  }
});
