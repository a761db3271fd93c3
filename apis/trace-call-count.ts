import { z } from 'zod';

/**
 * The shared count of a trace's calls (docs/adr/0042-calls-per-trace-across-pods.md): a sidecar
 * asks the operator to count one more call of a trace of its agent, in one round trip, only for a
 * call that carries the agent's own trace id while a `maxCallsPerTrace` limit applies.
 * `POST {TRACE_CALLS_PATH}/{namespace}/{agent}` with a `TraceCallTake`, answered with a
 * `TraceCallCount`.
 */
export const traceCallTake = z.strictObject({
  /** The trace id as the sidecar read it (W3C traceparent or x-governor-trace-id). */
  traceId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, { message: 'must be 1 to 128 letters, digits or . _ : -' }),
  /** The limit that applies to this call (the use case's, else the agent's). */
  limit: z.int().min(1).max(100_000),
  /**
   * Calls of this trace this sidecar knows of before this one: after an operator restart the count
   * starts again from the largest a sidecar still knows, not from 0.
   */
  seen: z.int().min(0).max(1_000_000),
});
export type TraceCallTake = z.infer<typeof traceCallTake>;

export const traceCallCount = z.object({
  /** Whether the call was counted (the trace had made fewer than `limit` calls). */
  admitted: z.boolean(),
  /** The trace's calls across all pods of the agent, this one included when admitted. */
  calls: z.int().min(0),
});
export type TraceCallCount = z.infer<typeof traceCallCount>;

/**
 * One take on a stored count, pure: the count is at least what the sidecar has seen; a trace that has
 * made `limit` calls is refused and its count stays.
 */
export function takeTraceCall(stored: number, take: Pick<TraceCallTake, 'limit' | 'seen'>): TraceCallCount {
  const current = Math.max(stored, take.seen);
  if (current >= take.limit) return { admitted: false, calls: current };
  return { admitted: true, calls: current + 1 };
}
