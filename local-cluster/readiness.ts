// Waiting until a component answers: poll an HTTP(S) endpoint until a check passes, stop early
// when the process being waited for has died, and time out with what was last seen.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET without keep-alive; rejects on connection errors and after timeoutMs. */
export function httpGet(url: string, tls?: ClientTls, timeoutMs = 2_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:')
      ? httpsRequest(url, { agent: false, timeout: timeoutMs, ...tls })
      : httpRequest(url, { agent: false, timeout: timeoutMs });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.once('error', reject);
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.once('error', reject);
    });
    request.end();
  });
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Returns why waiting is pointless (e.g. "etcd exited with code 1"), or undefined to go on. */
  abandon?: () => string | undefined;
}

/**
 * Polls `probe` until it returns true. The probe may throw or return a string: both are kept as
 * "last seen" for the timeout message.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<true | string>,
  options: WaitOptions,
): Promise<void> {
  const { timeoutMs, intervalMs = 100, abandon } = options;
  const deadline = Date.now() + timeoutMs;
  let lastSeen = 'no answer yet';
  for (;;) {
    const reason = abandon?.();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    try {
      const outcome = await probe();
      if (outcome === true) return;
      lastSeen = outcome;
    } catch (err) {
      lastSeen = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what} not within ${Math.round(timeoutMs / 1000)} s (last seen: ${lastSeen})`);
    }
    await sleep(intervalMs);
  }
}
