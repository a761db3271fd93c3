// The sidecar's metrics listener: `GET /metrics` on an address Prometheus can reach (the pod IP),
// apart from the proxy, which stays on loopback. It answers the same scrape as the proxy's /metrics
// and nothing else — no API path, no /v1/models, no probes — so whoever reaches this port can read
// counters but never spend the agent's budget or use its keys (docs/adr/0026-sidecar-injection.md).
import { createServer } from 'node:http';
import { errorBody } from './error-body.js';
import { listenOn } from './listen-on.js';
import { send, sendMetrics, sendNotServed } from './sidecar-server.js';

export interface MetricsListenerOptions {
  /** Default of the CLI: 0.0.0.0 (every address of the pod). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The scrape: finished calls flushed first, then the registry rendered (sidecar/main.ts). */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** A scrape failed unexpectedly; Prometheus got a 500. */
  onError(err: unknown): void;
}

export interface MetricsListener {
  url: string;
  port: number;
  /** Stops listening and closes every connection (a scrape in flight is cut; the next one retries). */
  close(): Promise<void>;
}

export async function startMetricsListener(options: MetricsListenerOptions): Promise<MetricsListener> {
  const server = createServer(
    { keepAlive: true, headersTimeout: 10_000, requestTimeout: 30_000 },
    (req, res) => {
      req.resume();
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
        options.metrics().then(
          (metrics) => sendMetrics(res, metrics),
          (err: unknown) => {
            options.onError(err);
            if (!res.headersSent)
              send(
                res,
                errorBody(undefined, 500, 'internal_error', 'the scrape failed; see the sidecar log'),
              );
          },
        );
        return;
      }
      sendNotServed(
        res,
        `${req.method} ${path} is not served on the agent-governor sidecar's metrics port; it answers GET /metrics only ` +
          '(the governed APIs are on the loopback proxy port)',
      );
    },
  );
  const listening = await listenOn(server, options.port, options.host);
  let closed: Promise<void> | undefined;
  return {
    ...listening,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
