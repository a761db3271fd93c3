import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type ApiKind, apiOf } from './api-kind.js';
import { errorBody } from './error-body.js';
import { listenOn } from './listen-on.js';
import { type BodyProblem, describeBodyProblem, onRequestBody, parseJsonObject } from './request-body.js';

/** One call of a governed API, its body read and parsed. */
export interface GovernedCall {
  api: ApiKind;
  req: IncomingMessage;
  res: ServerResponse;
  body: Record<string, unknown>;
  /** The bytes the agent sent, forwarded unchanged when the policy rewrites nothing. */
  raw: Buffer;
  /** Arrival, epoch ms (usage lands in this minute) and monotonic ms (for timings). */
  startedAt: number;
  startedMono: number;
}

export interface SidecarServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxBodyBytes: number;
  governed(call: GovernedCall): Promise<void>;
  /** Whether the sidecar can serve calls (a policy is in force and it is not shutting down). */
  ready(): boolean;
  metrics(): Promise<{ contentType: string; body: string }>;
  /**
   * The OpenAI model list answered on `GET /v1/models`: the models the routes accept. The request is
   * the caller's (the gateway authenticates it first); undefined: the caller was refused, its answer
   * already written.
   */
  models(
    req: IncomingMessage,
    res: ServerResponse,
  ): readonly string[] | Promise<readonly string[] | undefined>;
  /** `POST /v1/feedback` (docs/feedback.md): the agent's score on one of its calls. */
  feedback?(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** A handler failed unexpectedly; the agent got a 500. */
  onError(err: unknown): void;
  /**
   * `GET /v1/governor/deferred/{id}`: the answer to a poll of a deferred call (absent: 404);
   * undefined, as for `models`: the caller was refused, its answer already written.
   */
  deferred?(
    id: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ status: number; body: string } | undefined>;
}

export interface SidecarServer {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, lets calls in flight finish (at most `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

/** Where the agent gives feedback on a call (docs/feedback.md). */
export const FEEDBACK_PATH = '/v1/feedback';

export const API_PATHS = [
  '/v1/chat/completions',
  '/v1/completions',
  '/v1/embeddings',
  '/v1/responses',
  '/v1/messages',
];

/**
 * The sidecar's HTTP front: plain node:http with keep-alive, no framework. POSTs to the five APIs
 * go to `governed` after the body is read (size limit, JSON object, content type), `/v1/feedback`
 * to `feedback`; `/healthz`, `/readyz`, `/metrics` and `GET /v1/models` are answered here; any other path gets a 404 naming
 * the paths the sidecar serves (it never forwards a call it does not govern).
 */
export async function startSidecarServer(options: SidecarServerOptions): Promise<SidecarServer> {
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    const startedAt = Date.now();
    const startedMono = performance.now();
    if (closing) res.shouldKeepAlive = false;
    const url = req.url ?? '/';
    const api = apiOf(url);
    if (api === undefined && options.feedback && url.split('?')[0] === FEEDBACK_PATH) {
      options.feedback(req, res).catch((err) => fail(res, undefined, err));
      return;
    }
    if (api === undefined) {
      answerLocal(req, res, url, options).catch((err) => fail(res, undefined, err));
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(
        res,
        errorBody(
          api,
          405,
          'method_not_allowed',
          `${url.split('?')[0]} accepts POST only, got ${req.method}`,
        ),
      );
      return;
    }
    inFlight++;
    onRequestBody(
      req,
      options.maxBodyBytes,
      (raw) => {
        try {
          governedCall(req, res, api, raw, startedAt, startedMono);
        } catch (err) {
          failed(res, api, err);
        }
      },
      (err) => failed(res, api, err),
    );
  });
  const ended = () => {
    inFlight--;
    if (inFlight === 0) drained?.();
  };
  const failed = (res: ServerResponse, api: ApiKind, err: unknown) => {
    fail(res, api, err);
    ended();
  };
  server.keepAliveTimeout = 65_000;

  /**
   * A governed call once its body is read: refused here when the body is not a JSON object, else
   * handed to `governed`, and counted in flight until that ends (a throw here: 500 and ended by the
   * caller). Called from the request's `end` event: the body read adds no promise of its own.
   */
  function governedCall(
    req: IncomingMessage,
    res: ServerResponse,
    api: ApiKind,
    raw: Buffer | BodyProblem,
    startedAt: number,
    startedMono: number,
  ): void {
    if (!Buffer.isBuffer(raw)) {
      const p = describeBodyProblem(raw);
      res.shouldKeepAlive = false;
      send(res, errorBody(api, p.status, p.code, p.message));
      ended();
      return;
    }
    const parsed = parseJsonObject(raw, req.headers['content-type']);
    if (!parsed.ok) {
      const p = describeBodyProblem(parsed.problem);
      send(res, errorBody(api, p.status, p.code, p.message));
      ended();
      return;
    }
    options
      .governed({ api, req, res, body: parsed.body, raw, startedAt, startedMono })
      .then(ended, (err) => failed(res, api, err));
  }

  function fail(res: ServerResponse, api: ApiKind | undefined, err: unknown) {
    options.onError(err);
    if (!res.headersSent) {
      send(res, errorBody(api, 500, 'internal_error', 'the sidecar failed to handle this call; see its log'));
    } else {
      res.destroy();
    }
  }

  const listening = await listenOn(server, options.port, options.host);
  return {
    url: listening.url,
    port: listening.port,
    server,
    async close(graceMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

async function answerLocal(
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  options: SidecarServerOptions,
) {
  const path = url.split('?')[0];
  req.resume();
  if (req.method === 'GET' && options.deferred && path?.startsWith('/v1/governor/deferred/')) {
    const id = decodeURIComponent(path.slice('/v1/governor/deferred/'.length));
    const answer = await options.deferred(id, req, res);
    if (answer === undefined) return;
    return send(res, { status: answer.status, contentType: 'application/json', body: answer.body });
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    switch (path) {
      case '/healthz':
        return sendText(res, 200, 'ok\n');
      case '/readyz':
        return options.ready() ? sendText(res, 200, 'ok\n') : sendText(res, 503, 'not ready\n');
      case '/metrics':
        return sendMetrics(res, await options.metrics());
      case '/v1/models': {
        const models = await options.models(req, res);
        if (models === undefined) return;
        const data = models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'agent-governor' }));
        return send(res, {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ object: 'list', data }),
        });
      }
    }
  }
  sendNotServed(
    res,
    `${req.method} ${path} is not served by the agent-governor sidecar; it governs POST ${API_PATHS.join(', ')}; ` +
      `takes POST ${FEEDBACK_PATH}; and answers GET /v1/models, /v1/governor/deferred/{id}, /healthz, /readyz and /metrics`,
  );
}

/** 404 `unknown_path` in OpenAI's error shape, saying what the listener serves instead. */
export function sendNotServed(res: ServerResponse, message: string): void {
  send(res, errorBody(undefined, 404, 'unknown_path', message));
}

export function send(
  res: ServerResponse,
  answer: { status: number; contentType: string; body: string },
): void {
  res.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/** A scrape: the registry's text as prom-client renders it (the proxy's and the metrics listener's). */
export function sendMetrics(res: ServerResponse, metrics: { contentType: string; body: string }): void {
  send(res, { status: 200, ...metrics });
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
