// Delivers one budget alert to one webhook: POST of the body alert-payload.ts builds, signed
// (alert-signature.ts) with the Secret's value when the webhook names one. Retries a failed delivery
// (network error, 408, 429, 5xx) with exponential backoff, a bounded number of times; a 4xx other
// than those is final (the receiver refuses the alert as such).
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { alertHeaders } from './alert-signature.js';

export interface AlertDelivery {
  url: string;
  body: string;
  id: string;
  secret?: string;
  now: () => Date;
  signal?: AbortSignal;
  /** Attempts in all; default 4. */
  attempts?: number;
  /** Pause before the second attempt, doubled each time; default 250 ms. */
  firstBackoffMs?: number;
  /** Per attempt; default 5 s. */
  timeoutMs?: number;
}

export type DeliveryOutcome =
  | { delivered: true; status: number; attempts: number }
  | { delivered: false; attempts: number; problem: string };

export async function deliverAlert(delivery: AlertDelivery): Promise<DeliveryOutcome> {
  const attempts = delivery.attempts ?? 4;
  const firstBackoff = delivery.firstBackoffMs ?? 250;
  let problem = 'not attempted';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(firstBackoff * 2 ** (attempt - 2), undefined, { signal: delivery.signal });
    try {
      const headers = alertHeaders(delivery.body, {
        id: delivery.id,
        ...(delivery.secret !== undefined ? { secret: delivery.secret } : {}),
        now: delivery.now(),
      });
      const answer = await request(delivery.url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'agent-governor' },
        body: delivery.body,
        headersTimeout: delivery.timeoutMs ?? 5_000,
        bodyTimeout: delivery.timeoutMs ?? 5_000,
        ...(delivery.signal ? { signal: delivery.signal } : {}),
      });
      await answer.body.dump();
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        return { delivered: true, status: answer.statusCode, attempts: attempt };
      }
      problem = `HTTP ${answer.statusCode}`;
      const retryable = answer.statusCode === 408 || answer.statusCode === 429 || answer.statusCode >= 500;
      if (!retryable) return { delivered: false, attempts: attempt, problem };
    } catch (err) {
      if (delivery.signal?.aborted) throw err;
      problem = (err as Error).message;
    }
  }
  return { delivered: false, attempts, problem };
}
