import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callContext } from './call-context.js';

describe('callContext', () => {
  it('takes the trace id from traceparent first', () => {
    const c = callContext({
      traceparent: '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
      'x-governor-trace-id': 'other',
    });
    assert.deepEqual(c, {
      ok: true,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      traceFromClient: true,
      parentSpanId: 'b7ad6b7169203331',
    });
  });

  it('reads the parent span and a trace the agent does not sample', () => {
    const c = callContext({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' });
    assert.ok(c.ok);
    assert.equal(c.ok && c.parentSpanId, 'b7ad6b7169203331');
    assert.equal(c.ok && c.notSampled, true);
  });

  it('ignores a traceparent whose parent span is all zeros, as W3C says', () => {
    const c = callContext({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      'x-governor-trace-id': 'job-42',
    });
    assert.deepEqual(c, { ok: true, traceId: 'job-42', traceFromClient: true });
  });

  it('falls back to x-governor-trace-id, then a generated id', () => {
    assert.deepEqual(callContext({ 'x-governor-trace-id': 'job-42:step.1' }), {
      ok: true,
      traceId: 'job-42:step.1',
      traceFromClient: true,
    });
    const generated = callContext({ traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' });
    assert.ok(generated.ok);
    assert.match(generated.ok ? generated.traceId : '', /^[0-9a-f]{32}$/);
    assert.equal(generated.ok && generated.traceFromClient, false);
  });

  it('reads chain depth and use case', () => {
    const c = callContext({ 'x-governor-chain-depth': '3', 'x-governor-use-case': ' summarize ' });
    assert.ok(c.ok);
    assert.equal(c.ok && c.chainDepth, 3);
    assert.equal(c.ok && c.useCase, 'summarize');
  });

  const bad: [Record<string, string>, string, RegExp][] = [
    [
      { 'x-governor-chain-depth': 'deep' },
      'x-governor-chain-depth',
      /must be a whole number such as 2, got "deep"/,
    ],
    [{ 'x-governor-chain-depth': '-1' }, 'x-governor-chain-depth', /whole number/],
    [{ 'x-governor-trace-id': 'has space' }, 'x-governor-trace-id', /must be 1 to 128 letters/],
  ];
  for (const [headers, header, message] of bad) {
    it(`refuses ${JSON.stringify(headers)}`, () => {
      const c = callContext(headers);
      assert.equal(c.ok, false);
      assert.equal(!c.ok && c.header, header);
      assert.match(!c.ok ? c.message : '', message);
    });
  }
});
