import { createHash, randomBytes } from 'node:crypto';

/** A 32-hex W3C trace id (never all zeros). */
const HEX_TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * The OpenTelemetry trace id of a governed call. The sidecar's trace id is already a W3C trace id
 * when it came from the agent's `traceparent` or was generated; an `x-governor-trace-id` the agent
 * named in another form is hashed (SHA-256, first 16 bytes), so every call of that trace lands in
 * the same OpenTelemetry trace, and the span carries the original as `governor.trace_id`.
 */
export function otelTraceId(traceId: string): string {
  if (HEX_TRACE_ID.test(traceId) && traceId !== '0'.repeat(32)) return traceId;
  return createHash('sha256').update(traceId).digest('hex').slice(0, 32);
}

/** A new 16-hex span id (random, never all zeros). */
export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (id !== '0000000000000000') return id;
  }
}

/** The `traceparent` a call sends upstream: this trace, the sidecar's span as the parent. */
export function traceparentOf(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}
