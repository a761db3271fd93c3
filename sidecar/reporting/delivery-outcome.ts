import { type UsageAck, usageAck } from '../../apis/usage-batch.js';
import { retryAfterMs } from '../routing/backoff.js';

/** What to do with a spooled batch after one send. */
export type DeliveryOutcome =
  | { kind: 'acknowledged'; ack: UsageAck }
  /** Keep it and send again; `afterMs` is the operator's Retry-After when it gave one. */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /** The operator will never take this batch as it is: set it aside. */
  | { kind: 'rejected'; reason: string };

/** Longest Retry-After honoured; a larger one is treated as this. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Judges the operator's answer to a usage post (apis/sidecar-protocol.ts). Only a 200 whose body
 * is an ack covering the batch's sequence lets the batch go: anything less keeps it spooled.
 * 401 / 403 are retried too — a projected token may be rotating or not yet trusted — while 400,
 * 413 and 422 mean the batch itself is refused.
 */
export function deliveryOutcome(
  sequence: number,
  status: number,
  body: string,
  retryAfter: string | undefined,
  now: number,
): DeliveryOutcome {
  if (status === 200) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { kind: 'retry', reason: 'the operator answered 200 with a body that is not JSON' };
    }
    const result = usageAck.safeParse(parsed);
    if (!result.success)
      return { kind: 'retry', reason: 'the operator answered 200 without a valid UsageAck' };
    if (result.data.acknowledgedSequence < sequence) {
      return {
        kind: 'retry',
        reason: `the operator acknowledged up to sequence ${result.data.acknowledgedSequence}, not ${sequence}`,
      };
    }
    return { kind: 'acknowledged', ack: result.data };
  }
  const detail = errorMessage(body);
  const reason = `the operator answered ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 400 || status === 413 || status === 422) return { kind: 'rejected', reason };
  const asked = status === 503 || status === 429 ? retryAfterMs(retryAfter, now) : undefined;
  const afterMs = asked === undefined ? undefined : Math.min(asked, MAX_RETRY_AFTER_MS);
  return afterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, afterMs };
}

function errorMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return body.trim().slice(0, 120) || undefined;
  }
}
