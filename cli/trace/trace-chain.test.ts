import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { otelTraceId } from '../../sidecar/tracing/trace-context.js';
import { inTrace, renderTraceChain, traceChain } from './trace-chain.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const records = [
  {
    v: 1,
    at: '2026-12-06T04:00:00.500Z',
    traceId: TRACE,
    agent: 'agents/support',
    requestedModel: 'gpt-4o',
    model: 'gpt-4o-mini',
    route: 'gpt-4o',
    target: 'openai-eu',
    status: 200,
    outcome: 'Success',
    latencyMs: 300,
    inputTokens: 31,
    outputTokens: 14,
    budgetDecision: 'degraded',
    cache: 'miss',
    attempts: 2,
    fallbackReasons: ['openai-us:Timeout'],
    decisions: ['degraded:gpt-4o-mini'],
    spanId: '00f067aa0ba902b7',
    parentSpanId: 'b7ad6b7169203332',
  },
  {
    v: 1,
    at: '2026-12-06T04:00:00.000Z',
    traceId: TRACE,
    agent: 'agents/support',
    requestedModel: 'gpt-4o',
    model: 'gpt-4o',
    status: 200,
    outcome: 'CacheHit',
    latencyMs: 2,
    inputTokens: 10,
    outputTokens: 5,
    budgetDecision: 'admitted',
    cache: 'hit',
    attempts: 0,
    parentSpanId: 'b7ad6b7169203331',
  },
];

describe('trace chain', () => {
  it('orders the calls of a trace and sums them', () => {
    const chain = traceChain(TRACE, records);
    assert.equal(chain.calls, 2);
    assert.equal(chain.startedAt, '2026-12-06T04:00:00.000Z');
    assert.equal(chain.durationMs, 800);
    assert.equal(chain.inputTokens, 41);
    assert.equal(chain.outputTokens, 19);
    assert.deepEqual(
      chain.steps.map((s) => [s.offsetMs, s.cache, s.budgetDecision, s.attempts]),
      [
        [0, 'hit', 'admitted', 0],
        [500, 'miss', 'degraded', 2],
      ],
    );
    assert.equal(chain.steps[1]?.spanId, '00f067aa0ba902b7');
    assert.deepEqual(chain.steps[1]?.fallbackReasons, ['openai-us:Timeout']);
  });

  it('renders one row per call and its decisions under it', () => {
    const out = renderTraceChain(traceChain(TRACE, records));
    const lines = out.trimEnd().split('\n');
    assert.match(
      lines[0] ?? '',
      /^trace 4bf9.*: 2 calls from 2026-12-06T04:00:00.000Z, 800 ms, tokens 41 in \/ 19 out$/,
    );
    assert.match(lines[1] ?? '', /^#\s+START\s+AGENT\s+MODEL\s+LATENCY/);
    assert.match(
      lines[2] ?? '',
      /^1\s+\+0 ms\s+agents\/support\s+gpt-4o\s+2 ms\s+10\/5\s+admitted\s+hit\s+0\s+200 CacheHit\s+- ← b7ad6b7169203331$/,
    );
    assert.match(
      lines[3] ?? '',
      /^2\s+\+500 ms\s+agents\/support\s+gpt-4o → gpt-4o-mini\s+300 ms\s+31\/14\s+degraded\s+miss\s+2/,
    );
    assert.equal(
      lines[4],
      '   route gpt-4o → openai-eu; fallback openai-us:Timeout; decisions degraded:gpt-4o-mini',
    );
  });

  it('finds a trace by the W3C id made of an x-governor-trace-id', () => {
    const record = { traceId: 'job-42' };
    assert.ok(inTrace(record, 'job-42'));
    assert.ok(inTrace(record, otelTraceId('job-42')));
    assert.ok(!inTrace(record, TRACE));
    assert.ok(!inTrace({}, TRACE));
  });

  it('shows what older records lack as ?', () => {
    const chain = traceChain(TRACE, [{ at: '2026-12-06T04:00:00.000Z', traceId: TRACE }]);
    assert.equal(chain.steps[0]?.budgetDecision, '?');
    assert.equal(chain.steps[0]?.cache, '?');
  });
});
