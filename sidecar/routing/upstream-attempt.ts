import type { Dispatcher } from 'undici';
import { type AttemptFailure, failureOfError, failureOfStatus } from './attempt-failure.js';
import { retryAfterMs } from './backoff.js';
import type { CallSignal } from './call-signal.js';
import type { UpstreamEndpoint } from './upstream-endpoint.js';
import { abortError, UpstreamExchange } from './upstream-exchange.js';

/** A 2xx stream: the first chunk has arrived; `next` reads the others. */
export interface UpstreamStream {
  type: 'stream';
  first: Buffer;
  /** The next chunk, or undefined at the end of the stream. */
  next(): Promise<Buffer | undefined>;
  /** Stops reading and closes the upstream connection (the agent left). */
  cancel(): void;
}

export type UpstreamBody =
  | { type: 'json'; bytes: Buffer; json: unknown }
  | UpstreamStream
  /** A client error of the provider (400, 401, 404, ...), relayed to the agent as it is. */
  | { type: 'error'; bytes: Buffer };

export interface LastFailure {
  target: string;
  failure: AttemptFailure;
  message: string;
  /** The provider's HTTP answer, when there was one (429, 5xx). */
  status?: number;
  headers?: Record<string, string>;
  bytes?: Buffer;
}

/** The agent went away while the sidecar was still trying; nothing is to be answered. */
export class AgentGoneError extends Error {
  override readonly name = 'AgentGoneError';
}

export type AttemptResult =
  | { ok: true; status: number; headers: Record<string, string>; body: UpstreamBody }
  | ({ ok: false; retryAfter?: number; unreadable?: string } & Omit<LastFailure, 'target'>);

const ERROR_BODY_LIMIT = 1024 * 1024;

/**
 * One attempt at one target: the request with its timeout (the whole JSON answer, or until the first
 * chunk of a stream), read into what the runner decides on. Throws AgentGoneError when the agent left.
 */
export async function attemptUpstream(
  dispatcher: Dispatcher,
  endpoint: UpstreamEndpoint,
  headers: Record<string, string>,
  body: Buffer,
  req: { stream: boolean; signal: CallSignal },
  timeoutMs: number,
  now: () => number,
): Promise<AttemptResult> {
  const url = endpoint.url;
  const exchange = new UpstreamExchange();
  const onAgentGone = () => exchange.abort(abortError('the agent closed the connection'));
  // Removed once the attempt is over or its stream handed over: `once` is not needed.
  req.signal.addEventListener('abort', onAgentGone);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    exchange.abort(abortError(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  let handedOver = false;
  try {
    // The dispatcher's own dispatch (no URL parsing, no body stream per call); the endpoint was split once.
    exchange.start(dispatcher, {
      origin: endpoint.origin,
      path: endpoint.path,
      method: 'POST',
      headers,
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const res = await exchange.head;
    const relayed = res.headers;
    const contentType = relayed['content-type'] ?? '';
    if (res.status >= 200 && res.status < 300) {
      if (req.stream && contentType.includes('text/event-stream')) {
        const first = await exchange.next();
        if (first === undefined) {
          return {
            ok: false,
            failure: 'BadResponse',
            status: res.status,
            message: `${url} ended the stream before its first event`,
          };
        }
        handedOver = true;
        clearTimeout(timer);
        req.signal.removeEventListener('abort', onAgentGone);
        return {
          ok: true,
          status: res.status,
          headers: relayed,
          body: {
            type: 'stream',
            first,
            next: () => exchange.next(),
            cancel: () => exchange.abort(abortError('the agent closed the connection')),
          },
        };
      }
      const bytes = exchange.arrived() ?? (await exchange.whole());
      try {
        return {
          ok: true,
          status: res.status,
          headers: relayed,
          body: { type: 'json', bytes, json: JSON.parse(bytes.toString('utf8')) },
        };
      } catch {
        const text = bytes.toString('utf8');
        return {
          ok: false,
          failure: 'BadResponse',
          status: res.status,
          unreadable: text,
          message: `answered ${res.status} with a body that is not JSON (${contentType || 'no content type'}): ${JSON.stringify(text.slice(0, 80))}`,
        };
      }
    }
    const bytes = await exchange.whole(ERROR_BODY_LIMIT);
    const failure = failureOfStatus(res.status);
    if (failure === undefined)
      return { ok: true, status: res.status, headers: relayed, body: { type: 'error', bytes } };
    const retryAfter = retryAfterMs(res.retryAfter, now());
    return {
      ok: false,
      failure,
      status: res.status,
      headers: relayed,
      bytes,
      message: `answered ${res.status}`,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    };
  } catch (err) {
    if (req.signal.aborted) throw new AgentGoneError('the agent closed the connection');
    const failure = timedOut ? 'Timeout' : failureOfError(err);
    return {
      ok: false,
      failure,
      message: timedOut ? `no answer within ${timeoutMs} ms` : `${(err as Error).message}`,
    };
  } finally {
    if (!handedOver) {
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAgentGone);
    }
  }
}

export function withoutRetryAfter(
  result: Extract<AttemptResult, { ok: false }>,
): Omit<LastFailure, 'target'> {
  const { retryAfter: _r, unreadable: _u, ok: _o, ...rest } = result;
  return rest;
}
