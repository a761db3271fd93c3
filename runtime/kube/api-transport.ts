// HTTP to the API server over undici with the connection's TLS and credentials: JSON requests with
// a deadline, and long-lived streams (watches) with an idle timeout. Every failure is an ApiError
// that names the request; an aborted request rejects with the abort reason.
import { createSecureContext } from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';
import { ApiError, isStatus } from './api-error.js';
import type { KubeConnection } from './kube-connection.js';
import { type CallerSignals, RequestAbort } from './request-abort.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default application/json; patches name their own. */
  contentType?: string;
  /** The request is aborted when any of these fires (it then rejects with that signal's reason). */
  signal?: CallerSignals;
  /** Deadline of the whole request; default 30 s. */
  timeoutMs?: number;
  /** Says what is being done in errors, e.g. `get deployments.apps team-a/support`. */
  describe?: string;
}

export interface StreamRequest extends Omit<ApiRequest, 'timeoutMs' | 'body' | 'contentType'> {
  /** Give up when no byte arrives for this long. */
  idleTimeoutMs: number;
}

export const defaultRequestTimeoutMs = 30_000;

/**
 * Connections at most for requests (watches have their own, one each): a burst of writes — every
 * agent's policy mirror at a cold start — queues here instead of opening a TLS connection apiece.
 */
export const defaultMaxRequestConnections = 64;

interface Dispatchers {
  cert: string | undefined;
  /** JSON requests, on a bounded pool. */
  requests: Dispatcher;
  /** Watches: a connection each for as long as they stream, so never queued behind requests. */
  streams: Dispatcher;
}

export class ApiTransport {
  private dispatchers: Dispatchers | undefined;

  constructor(
    readonly connection: KubeConnection,
    private readonly userAgent = 'agent-governor-operator',
    private readonly maxRequestConnections = defaultMaxRequestConnections,
  ) {}

  /** Sends one request and returns the parsed JSON answer; throws ApiError for non-2xx answers. */
  async json<T>(apiRequest: ApiRequest): Promise<T> {
    const timeoutMs = Math.max(1, Math.ceil(apiRequest.timeoutMs ?? defaultRequestTimeoutMs));
    const describe = apiRequest.describe ?? `${apiRequest.method} ${apiRequest.path}`;
    const abort = new RequestAbort(apiRequest.signal, timeoutMs);
    try {
      const response = await this.send(apiRequest, abort, describe, {
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        purpose: 'requests',
      });
      let text: string;
      try {
        text = await response.body.text();
      } catch (err) {
        throw this.failure(describe, err, abort, timeoutMs);
      }
      if (response.statusCode >= 300) throw errorFromAnswer(describe, response.statusCode, text);
      if (text.length === 0) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ApiError(
          describe,
          response.statusCode,
          undefined,
          `the answer is not JSON: ${text.slice(0, 200)}`,
        );
      }
    } finally {
      abort.dispose();
    }
  }

  /** Opens a streaming GET (a watch); the body yields raw chunks until the server ends it. */
  async stream(streamRequest: StreamRequest): Promise<AsyncIterable<Buffer>> {
    const describe = streamRequest.describe ?? `${streamRequest.method} ${streamRequest.path}`;
    const abort = new RequestAbort(streamRequest.signal);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.send(streamRequest, abort, describe, {
        headersTimeout: defaultRequestTimeoutMs,
        bodyTimeout: streamRequest.idleTimeoutMs,
        purpose: 'streams',
      });
      if (response.statusCode >= 300) {
        const text = await response.body.text().catch(() => '');
        throw errorFromAnswer(describe, response.statusCode, text);
      }
    } catch (err) {
      abort.dispose();
      throw err;
    }
    const body = response.body;
    const failure = (err: unknown) => this.failure(describe, err, abort, streamRequest.idleTimeoutMs);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of body) yield chunk as Buffer;
        } catch (err) {
          throw failure(err);
        } finally {
          body.destroy();
          abort.dispose();
        }
      },
    };
  }

  async close(): Promise<void> {
    const dispatchers = this.dispatchers;
    this.dispatchers = undefined;
    await Promise.all([
      dispatchers?.requests.destroy().catch(() => {}),
      dispatchers?.streams.destroy().catch(() => {}),
    ]);
  }

  private async send(
    apiRequest: Omit<ApiRequest, 'timeoutMs'>,
    abort: RequestAbort,
    describe: string,
    {
      purpose,
      ...timeouts
    }: { headersTimeout: number; bodyTimeout: number; purpose: 'requests' | 'streams' },
  ): Promise<Dispatcher.ResponseData> {
    const signal = abort.signal;
    if (signal.aborted) throw this.failure(describe, signal.reason, abort, timeouts.headersTimeout);
    const credentials = await this.connection.credentials();
    const url = new URL(this.connection.server + apiRequest.path);
    for (const [name, value] of Object.entries(apiRequest.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.userAgent,
      ...credentials.headers,
    };
    let body: string | undefined;
    if (apiRequest.body !== undefined) {
      body = JSON.stringify(apiRequest.body);
      headers['content-type'] = apiRequest.contentType ?? 'application/json';
    }
    try {
      return await request(url, {
        method: apiRequest.method,
        headers,
        body,
        signal,
        dispatcher: this.dispatchersFor(credentials.cert, credentials.key)[purpose],
        ...timeouts,
      });
    } catch (err) {
      throw this.failure(describe, err, abort, timeouts.headersTimeout);
    }
  }

  /** Keep-alive pools per client certificate (exec plugins may rotate it). */
  private dispatchersFor(cert: string | undefined, key: string | undefined): Dispatchers {
    const tls = this.connection.tls;
    const effectiveCert = cert ?? tls.cert;
    if (this.dispatchers && this.dispatchers.cert === effectiveCert) return this.dispatchers;
    const previous = this.dispatchers;
    const connect = {
      // One TLS context for every connection: left to tls.connect, each new connection would parse
      // the CA, certificate and key again (milliseconds of CPU per connection).
      secureContext: createSecureContext({ ca: tls.ca, cert: effectiveCert, key: key ?? tls.key }),
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.servername ? { servername: tls.servername } : {}),
    };
    this.dispatchers = {
      cert: effectiveCert,
      requests: new Agent({ connect, keepAliveTimeout: 30_000, connections: this.maxRequestConnections }),
      streams: new Agent({ connect, keepAliveTimeout: 30_000 }),
    };
    void previous?.requests.close().catch(() => {});
    void previous?.streams.close().catch(() => {});
    return this.dispatchers;
  }

  private failure(describe: string, err: unknown, abort: RequestAbort, timeoutMs: number) {
    const caller = abort.callerReason();
    if (caller) return caller.reason;
    if (err instanceof ApiError) return err;
    const error = err as NodeJS.ErrnoException;
    const timedOut =
      error?.name === 'TimeoutError' ||
      error?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      error?.code === 'UND_ERR_BODY_TIMEOUT';
    const detail = timedOut
      ? `no answer within ${timeoutMs / 1000} s`
      : `${error?.code ? `${error.code} ` : ''}${error?.message ?? String(err)} (${this.connection.server})`;
    return new ApiError(describe, 0, timedOut ? 'Timeout' : undefined, detail, { cause: err });
  }
}

function errorFromAnswer(describe: string, statusCode: number, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {}
  if (isStatus(parsed)) {
    return new ApiError(describe, parsed.code ?? statusCode, parsed.reason, parsed.message ?? text);
  }
  return new ApiError(describe, statusCode, undefined, text.trim().slice(0, 500) || '(empty answer)');
}
