// The HTTPS server the API server calls with AdmissionReviews: one POST path per handler, the
// review read and checked, the handler's verdict answered with the request's uid. It never crashes
// on a request: a bad body is a 400 that says what is wrong, a body over the limit a 413, a handler
// that throws a 500 (the webhook's failurePolicy then decides) with the error logged. The serving
// certificate can be swapped while it runs (rotation), connections in flight keep theirs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { readRequestBody } from '../../runtime/http/request-body.js';
import type { AdmissionHandler, AdmissionReview } from '../admission/admission-review.js';
import type { ServingTls } from '../tls/serving-tls.js';
import { answerReview, failedReview, outcomeOf } from './admission-answer.js';
import { type AdmissionMetrics, createAdmissionMetrics } from './admission-metrics.js';
import { readAdmissionReview } from './admission-review-reading.js';

export interface AdmissionServerOptions {
  /** Address to listen on; default all interfaces. */
  host?: string;
  /** 0 picks a free port (see `port` of the result). */
  port: number;
  tls: ServingTls;
  handlers: readonly AdmissionHandler[];
  log: Logger;
  /** The operator's registry (its /metrics); default a private one. */
  registry?: Registry;
  /** Largest AdmissionReview accepted; default 8 MiB (an object and its old version, each up to 3 MiB). */
  maxBodyBytes?: number;
}

export interface AdmissionServer {
  /** `https://host:port`. */
  url: string;
  port: number;
  metrics: AdmissionMetrics;
  /** Serves a new certificate from the next connection on. */
  setTls(tls: ServingTls): void;
  /** Stops taking connections; reviews in flight are answered (up to `graceMs`, default 5 s). */
  close(graceMs?: number): Promise<void>;
}

export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const { log } = options;
  const metrics = createAdmissionMetrics(options.registry ?? new Registry());
  const routes = new Map<string, AdmissionHandler>();
  for (const handler of options.handlers) {
    const taken = routes.get(handler.path);
    if (taken) throw new Error(`handlers ${taken.name} and ${handler.name} both claim ${handler.path}`);
    routes.set(handler.path, handler);
  }
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  let inFlight = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?', 1)[0] as string;
    const handler = routes.get(path);
    if (!handler) {
      request.resume();
      metrics.requests.inc({ handler: 'none', outcome: 'invalid' });
      return sendText(
        response,
        404,
        `no admission webhook at ${path}; served: ${[...routes.keys()].join(', ')}`,
      );
    }
    if (request.method !== 'POST') {
      request.resume();
      metrics.requests.inc({ handler: handler.name, outcome: 'invalid' });
      return sendText(response, 405, `${path} takes POST of an AdmissionReview, not ${request.method}`, {
        allow: 'POST',
      });
    }
    const body = await readRequestBody(request, maxBodyBytes);
    if (!body.ok) {
      metrics.requests.inc({ handler: handler.name, outcome: 'invalid' });
      const message = body.tooLarge
        ? `the AdmissionReview is larger than ${maxBodyBytes} bytes`
        : body.message;
      return sendText(response, body.tooLarge ? 413 : 400, message);
    }
    const started = performance.now();
    const reading = readAdmissionReview(body.body.toString('utf8'));
    if (!reading.ok) {
      metrics.requests.inc({ handler: handler.name, outcome: 'invalid' });
      log.warn({ handler: handler.name, problem: reading.message }, 'unreadable AdmissionReview');
      return sendText(response, 400, `${path}: ${reading.message}`);
    }
    const admission = reading.request;
    let status = 200;
    let review: AdmissionReview;
    let outcome: string;
    try {
      const verdict = await handler.handle(admission);
      review = answerReview(admission.uid, verdict);
      outcome = outcomeOf(verdict);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      log.error(
        {
          handler: handler.name,
          uid: admission.uid,
          object: `${admission.kind.kind} ${admission.namespace ?? ''}/${admission.name ?? ''}`,
          err: error.stack ?? error.message,
        },
        `admission handler ${handler.name} failed`,
      );
      review = failedReview(admission.uid, handler.name, error);
      outcome = 'error';
      status = 500;
    }
    sendJson(response, status, review);
    metrics.requests.inc({ handler: handler.name, outcome });
    metrics.duration.observe({ handler: handler.name }, (performance.now() - started) / 1000);
  };

  const server: Server = createServer(
    { cert: options.tls.cert, key: options.tls.key },
    (request, response) => {
      inFlight++;
      response.once('close', () => inFlight--);
      handle(request, response).catch((err: unknown) => {
        log.error({ err: err instanceof Error ? err.stack : String(err) }, 'admission request failed');
        if (!response.headersSent)
          sendText(response, 500, `the admission server failed: ${(err as Error)?.message}`);
        else response.destroy();
      });
    },
  );
  // The API server keeps connections to a webhook open between calls.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A TLS handshake that fails (an API server not trusting the CA yet) is logged, not thrown.
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'admission TLS handshake failed'));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: options.port, ...(options.host ? { host: options.host } : {}) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw new Error(
      `the admission webhooks cannot listen on ${options.host ?? '*'}:${options.port}: ${(err as Error).message}`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  const host =
    !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, paths: [...routes.keys()] }, 'admission webhooks listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    metrics,
    setTls(tls) {
      server.setSecureContext({ cert: tls.cert, key: tls.key });
    },
    close(graceMs = 5_000) {
      closed ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const deadline = performance.now() + graceMs;
        while (inFlight > 0 && performance.now() < deadline) await sleep(10);
        server.closeAllConnections();
        await serverClosed;
      })();
      return closed;
    },
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendText(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const text = `${message}\n`;
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
