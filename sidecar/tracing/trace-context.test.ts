import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSpanId, otelTraceId, traceparentOf } from './trace-context.js';

describe('trace context', () => {
  it('keeps a W3C trace id and hashes any other trace id the same way every time', () => {
    assert.equal(otelTraceId('4bf92f3577b34da6a3ce929d0e0e4736'), '4bf92f3577b34da6a3ce929d0e0e4736');
    const hashed = otelTraceId('job-42');
    assert.match(hashed, /^[0-9a-f]{32}$/);
    assert.equal(otelTraceId('job-42'), hashed);
    assert.notEqual(otelTraceId('job-43'), hashed);
    assert.notEqual(otelTraceId('0'.repeat(32)), '0'.repeat(32));
    assert.notEqual(otelTraceId('4BF92F3577B34DA6A3CE929D0E0E4736'), '4BF92F3577B34DA6A3CE929D0E0E4736');
  });

  it('makes span ids and the traceparent sent upstream', () => {
    const a = newSpanId();
    assert.match(a, /^[0-9a-f]{16}$/);
    assert.notEqual(newSpanId(), a);
    assert.equal(
      traceparentOf('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', true),
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    );
    assert.match(traceparentOf('4bf92f3577b34da6a3ce929d0e0e4736', a, false), /-00$/);
  });
});
