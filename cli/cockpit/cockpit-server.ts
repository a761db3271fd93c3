// The cockpit's HTTP server: read-only pages for signed-in people, live over Server-Sent Events.
//   GET  /                    the cockpit (or the sign-in page)
//   POST /login, /logout      sign in with a Kubernetes bearer token (TokenReview), sign out
//   GET  /events              the live part of the page, re-sent whenever it changes
//   GET  /manifest/R/NS/NAME  a TokenBudget or AgentSLO as YAML, if the person may get it
//   GET  /healthz
// A request may also carry `Authorization: Bearer <token>` instead of the session cookie.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { agentSLOs, tokenBudgets } from '../../agents/governor-resources.js';
import type { LedgerReader } from '../../agents/ledger-documents.js';
import { GROUP } from '../../apis/group-version.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import type { ResourceType } from '../../runtime/kube/resource-type.js';
import {
  type Identity,
  mayAccess,
  type Reviews,
  readableNamespaces,
  reviewToken,
  Sessions,
} from './cockpit-access.js';
import {
  CONTENT_SECURITY_POLICY,
  renderMain,
  renderManifest,
  renderPage,
  renderSignIn,
} from './cockpit-page.js';
import { SnapshotSource, snapshotNamespaces } from './cockpit-snapshot.js';
import { cockpitView } from './cockpit-view.js';

export const SESSION_COOKIE = 'governor_cockpit';
const MANIFEST_RESOURCES: Record<string, ResourceType<KubeObject> | undefined> = {
  tokenbudgets: tokenBudgets as unknown as ResourceType<KubeObject>,
  agentslos: agentSLOs as unknown as ResourceType<KubeObject>,
};
const MAX_FORM_BYTES = 64 * 1024;

export interface CockpitOptions {
  client: KubeClient;
  /** Where TokenReviews and SubjectAccessReviews are posted (the client's transport). */
  reviews: Reviews;
  port: number;
  address: string;
  /** How often the cluster is read again and live pages updated; default 2 s. */
  refreshMs?: number;
  /** The time zone "today" is in; default UTC. */
  timeZone?: string;
  /** Only this namespace. */
  namespace?: string;
  /** Where the usage ledgers are read (the usage store); default the API server through `client`. */
  ledgers?: LedgerReader;
  /** Set the cookie's Secure attribute (behind TLS). */
  secureCookie?: boolean;
  log?: (line: string) => void;
}

export interface Cockpit {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface Viewer {
  identity: Identity;
  /** The namespaces this person may read, of those `candidates` the cluster has. */
  namespaces(candidates: readonly string[]): Promise<string[]>;
}

export async function startCockpit(options: CockpitOptions): Promise<Cockpit> {
  const refreshMs = options.refreshMs ?? 2_000;
  const timeZone = options.timeZone ?? 'UTC';
  const { client, reviews } = options;
  const sessions = new Sessions(reviews);
  const source = new SnapshotSource(client, refreshMs, options.namespace, options.ledgers);
  const streams = new Set<ServerResponse>();
  const log = options.log ?? (() => {});

  const viewer = async (request: IncomingMessage): Promise<Viewer | undefined> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      const reviewed = await reviewToken(reviews, bearer);
      if (!('identity' in reviewed)) return undefined;
      return {
        identity: reviewed.identity,
        namespaces: (c) => readableNamespaces(reviews, reviewed.identity, c),
      };
    }
    const id = cookie(request, SESSION_COOKIE);
    const identity = sessions.identity(id);
    if (!identity || id === undefined) return undefined;
    return { identity, namespaces: (c) => sessions.namespaces(id, c) };
  };

  const viewOf = async (who: Viewer) => {
    const snapshot = await source.current();
    const namespaces = await who.namespaces(snapshotNamespaces(snapshot, options.namespace));
    return cockpitView(snapshot, namespaces, new Date(), timeZone);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://cockpit');
    const path = url.pathname;
    if (path === '/healthz') return send(response, 200, 'text/plain', 'ok\n');
    if (path === '/login' && request.method === 'POST') {
      const token = new URLSearchParams(await readBody(request)).get('token')?.trim() ?? '';
      const reviewed = token ? await reviewToken(reviews, token) : { problem: 'no token given' };
      if (!('identity' in reviewed))
        return send(response, 401, 'text/html', renderSignIn(`Not signed in: ${reviewed.problem}.`));
      const id = sessions.open(reviewed.identity);
      log(`cockpit: ${reviewed.identity.username} signed in`);
      response.setHeader(
        'set-cookie',
        `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/${options.secureCookie ? '; Secure' : ''}`,
      );
      return redirect(response, './');
    }
    if (path === '/logout' && request.method === 'POST') {
      const id = cookie(request, SESSION_COOKIE);
      if (id) sessions.close(id);
      response.setHeader('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
      return redirect(response, './');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain', 'the cockpit is read-only: GET, or POST /login and /logout\n');
    }
    const who = await viewer(request);
    if (path === '/') {
      if (!who) return send(response, 200, 'text/html', renderSignIn());
      return send(response, 200, 'text/html', renderPage(await viewOf(who), who.identity.username));
    }
    if (!who) return send(response, 401, 'text/plain', 'sign in first: open / and give a Kubernetes token\n');
    if (path === '/events') return stream(request, response, who);
    const manifest = /^\/manifest\/([a-z]+)\/([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(path);
    if (manifest) {
      const [, plural = '', namespace = '', name = ''] = manifest;
      const resource = MANIFEST_RESOURCES[plural];
      const allowed =
        resource !== undefined &&
        (await mayAccess(reviews, who.identity, {
          namespace,
          verb: 'get',
          group: GROUP,
          resource: plural,
          name,
        }));
      const object = allowed ? await client.get(resource, { namespace, name }) : undefined;
      if (!object)
        return send(response, 404, 'text/plain', `no ${plural} ${namespace}/${name} you may read\n`);
      const { managedFields: _managed, ...metadata } = object.metadata as typeof object.metadata & {
        managedFields?: unknown;
      };
      return send(
        response,
        200,
        'text/html',
        renderManifest(`${plural} ${namespace}/${name}`, stringify({ ...object, metadata })),
      );
    }
    return send(response, 404, 'text/plain', 'not found\n');
  };

  const stream = async (request: IncomingMessage, response: ServerResponse, who: Viewer) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    streams.add(response);
    let last = '';
    let closed = false;
    request.on('close', () => {
      closed = true;
      streams.delete(response);
    });
    while (!closed) {
      try {
        const main = renderMain(await viewOf(who));
        const content = main.replace(/^<p class="muted" id="updated"[\s\S]*?<\/p>/, '');
        if (content !== last) {
          last = content;
          response.write(
            `event: main\n${main
              .split('\n')
              .map((line) => `data: ${line}`)
              .join('\n')}\n\n`,
          );
        } else response.write(': unchanged\n\n');
      } catch (err) {
        response.write(`: ${(err as Error).message.replaceAll('\n', ' ')}\n\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, refreshMs));
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: Error) => {
      log(`cockpit: ${request.method} ${request.url}: ${err.message}`);
      if (!response.headersSent)
        send(response, 500, 'text/plain', `the cockpit could not answer: ${err.message}\n`);
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  return {
    url: `http://${host}:${port}/`,
    server,
    async close() {
      for (const response of streams) response.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers `body`; gzipped when the client takes it and it is worth it (a page for 100 agents: 178 → 9 KiB). */
function send(response: ServerResponse, status: number, type: string, body: string): void {
  const gzip =
    Buffer.byteLength(body) > 1024 && /\bgzip\b/.test(String(response.req?.headers['accept-encoding'] ?? ''));
  const payload = gzip ? gzipSync(body) : Buffer.from(body);
  response.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': payload.length,
    ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
    'cache-control': 'no-store',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  response.end(payload);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, 'content-length': 0 });
  response.end();
}

function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error(`the form is over ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
