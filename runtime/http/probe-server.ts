// The operator's plain-HTTP endpoints: /healthz and /readyz for the kubelet, /metrics for
// Prometheus. They may share a port or listen on two (the chart probes one, scrapes the other).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { type Check, runChecks } from './health-checks.js';

export interface Endpoints {
  health?: { healthz: Check[]; readyz: Check[] };
  metrics?: Registry;
}

export interface ListeningServer {
  /** http://host:port, with the port actually bound (for port 0). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startProbeServer(
  host: string,
  port: number,
  endpoints: Endpoints,
): Promise<ListeningServer> {
  const server = createServer((request, response) => {
    void answer(request, response, endpoints);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `cannot listen on ${host}:${port}: the port is in use; choose another with --metrics-port / --health-port`
            : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${bound}`, port: bound, close: () => closeServer(server) };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  endpoints: Endpoints,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://probe');
  const reply = (status: number, body: string, contentType = 'text/plain; charset=utf-8') => {
    response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return reply(405, `${request.method} is not allowed; use GET\n`);
  }
  const verbose = url.searchParams.has('verbose');
  if (endpoints.health && (url.pathname === '/healthz' || url.pathname === '/livez')) {
    const report = runChecks('healthz', endpoints.health.healthz, verbose);
    return reply(report.status, report.body);
  }
  if (endpoints.health && url.pathname === '/readyz') {
    const report = runChecks('readyz', endpoints.health.readyz, verbose);
    return reply(report.status, report.body);
  }
  if (endpoints.metrics && url.pathname === '/metrics') {
    try {
      return reply(200, await endpoints.metrics.metrics(), endpoints.metrics.contentType);
    } catch (err) {
      return reply(500, `collecting metrics failed: ${(err as Error).message}\n`);
    }
  }
  const known = [
    ...(endpoints.health ? ['/healthz', '/readyz'] : []),
    ...(endpoints.metrics ? ['/metrics'] : []),
  ];
  return reply(404, `${url.pathname} not found; this port serves ${known.join(', ')}\n`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
