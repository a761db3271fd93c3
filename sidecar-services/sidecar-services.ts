// The services sidecars use (apis/sidecar-protocol.ts), on their own HTTP(S) port: the policy
// long-poll, usage ingest and the count of calls per trace. Every request is from a sidecar authenticated by its projected
// ServiceAccount token and acts only for agents of the token's namespace; only the leader serves
// (a follower answers 503 with Retry-After, and the sidecar retries). The policy store is filled by
// the controllers, restored from the ConfigMap mirrors on start and mirrored back into them — or, in
// a services replica (`mirror: false`), filled from those mirrors by the caller (docs/adr/0061).
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { apiServerLedgers, type LedgerDocuments } from '../agents/ledger-documents.js';
import { GATEWAY_TOKEN_AUDIENCE, LONG_POLL_SECONDS } from '../apis/sidecar-protocol.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { type AgentAccounts, agentBindingRefusal } from './agent-binding.js';
import { BookBatches } from './book-batches.js';
import { grantBudgetLeases, type LeaseBatches } from './budget-lease-grant.js';
import { LedgerCommitter } from './ledger-committer.js';
import { PolicyLongPoll } from './policy-long-poll.js';
import { PolicyMirror } from './policy-mirror.js';
import { restorePoliciesInBackground } from './policy-restore.js';
import type { PolicyStore } from './policy-store.js';
import { type ServiceError, sendError } from './service-answer.js';
import { serviceRoute } from './service-route.js';
import { createSidecarServicesMetrics, type SidecarServicesMetrics } from './sidecar-services-metrics.js';
import { TokenAuthenticator, tokenReviewer } from './token-authenticator.js';
import { TraceCallCounter } from './trace-call-counter.js';
import { takeTraceCallOf } from './trace-call-take.js';
import { ingestUsage } from './usage-ingest.js';
import type { LeaseBooks } from './usage-store/redis-lease-books.js';

/** PEM serving certificate (chain) and key; with them the services speak HTTPS. */
export interface SidecarServicesTls {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface SidecarServicesOptions {
  /**
   * Sends the TokenReviews, writes ledgers and policy ConfigMaps. A client bound to a signal
   * (ServiceContext.client) stops with it: writes in flight then fail and sidecars resend.
   */
  kube: KubeClient;
  /** Address to listen on; default all interfaces. */
  host?: string;
  /** 0 picks a free port (see `port` of the result). */
  port: number;
  tls?: SidecarServicesTls;
  /**
   * The ServiceAccounts agent `namespace/agent`'s workloads run as (docs/adr/0036): a token acts
   * only for agents one of whose workloads runs as its ServiceAccount. The operator always gives it
   * (from its workload caches); without it a token acts for every agent of its namespace.
   */
  agentAccounts?: (namespace: string, agent: string) => AgentAccounts;
  /** Whether this process leads now; a follower answers 503. */
  isLeader: () => boolean;
  store: PolicyStore;
  /** Where usage ledgers are kept (sidecar-services/usage-store/); default the API server through `kube`. */
  ledgers?: LedgerDocuments;
  /** Budget lease books of the shared usage store; none: POST /v1/budget-leases answers 501 (docs/adr/0062). */
  leases?: LeaseBooks;
  /** After usage of an agent was recorded, so its budgets and SLOs can be recomputed at once. */
  onUsageRecorded?: (namespace: string, agent: string) => void;
  logger: Logger;
  /** Registry for the services' metrics (the operator's /metrics); default a private one. */
  registry?: Registry;
  /** Hold time of a long-poll without a change; default LONG_POLL_SECONDS. */
  longPollMs?: number;
  /** Long-polls held at once; default 10,000. */
  maxPolicyWaiters?: number;
  /** Budget lease time far from a threshold (`--budget-lease-seconds`); default 5 s (docs/adr/0062). */
  budgetLeaseMs?: number;
  /** Largest usage post; default 16 MiB. */
  maxBodyBytes?: number;
  /** Retry-After of a follower's 503; default 1 s. */
  followerRetryAfterSeconds?: number;
  /** How long a positive TokenReview is trusted; default 30 s. */
  tokenCacheMs?: number;
  /** Least time between two writes of one agent's policy mirror; default 200 ms. */
  mirrorDebounceMs?: number;
  /** Delay of a mirror write that only moves usage counters; default 30 s (mirror-pacing.ts). */
  mirrorCountersDebounceMs?: number;
  /** Clock of the ledgers (periods and buckets); default the wall clock. */
  now?: () => Date;
  /** Restore the store from the policy mirrors on start; default true. */
  restore?: boolean;
  /**
   * Restore from and write the ConfigMap mirrors; default true. False for a services replica, whose
   * store follows the mirrors the leader writes (policy-mirror-follower.ts, docs/adr/0061).
   */
  mirror?: boolean;
}

export interface SidecarServices {
  /** `http(s)://host:port`. */
  url: string;
  port: number;
  registry: Registry;
  metrics: SidecarServicesMetrics;
  /** Writes pending policy mirrors now and waits for them (bounded). */
  flushMirror(): Promise<void>;
  /** Swaps the serving certificate (rotation) without a restart; HTTPS only. */
  setTls(tls: SidecarServicesTls): void;
  /**
   * Stops: no new requests, waiting long-polls answered 304, usage posts in flight finish (up to
   * `graceMs`, default 5 s; a cut one is resent by its sidecar), pending mirrors written.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts the services; resolves once they listen. */
export async function startSidecarServices(options: SidecarServicesOptions): Promise<SidecarServices> {
  const { logger, store, kube } = options;
  const registry = options.registry ?? new Registry();
  const metrics = createSidecarServicesMetrics(registry);
  const stopping = new AbortController();
  const authenticator = new TokenAuthenticator({
    review: tokenReviewer(kube),
    // A gateway acts for an agent with the agent's own token, of the gateway's audience.
    alsoAccepted: [GATEWAY_TOKEN_AUDIENCE],
    ...(options.tokenCacheMs !== undefined ? { cacheMs: options.tokenCacheMs } : {}),
    onReviewError: (err) => logger.warn({ error: err.message }, 'TokenReview failed'),
  });
  const committer = new LedgerCommitter({
    ledgers: options.ledgers ?? apiServerLedgers(kube),
    ...(options.now ? { now: options.now } : {}),
    onWrite: (result) => metrics.ledgerWrites.inc({ result }),
    onCommitted: (namespace, agent) => options.onUsageRecorded?.(namespace, agent),
  });
  const mirrors = options.mirror ?? true;
  const longPoll = new PolicyLongPoll({
    store,
    longPollMs: options.longPollMs ?? LONG_POLL_SECONDS * 1000,
    maxWaiters: options.maxPolicyWaiters ?? 10_000,
    onWaitersChange: (waiting) => metrics.policyWaiters.set(waiting),
    onFanout: (_answered, seconds) => metrics.policyFanout.observe(seconds),
    onPolicySent: (way) => metrics.policiesSent.inc({ way }),
  });
  const mirror = new PolicyMirror({
    client: kube,
    store,
    isLeader: options.isLeader,
    logger,
    ...(options.mirrorDebounceMs !== undefined ? { debounceMs: options.mirrorDebounceMs } : {}),
    ...(options.mirrorCountersDebounceMs !== undefined
      ? { countersDebounceMs: options.mirrorCountersDebounceMs }
      : {}),
    onWrite: (result) => metrics.mirrorWrites.inc({ result }),
  });
  const traceCalls = new TraceCallCounter();
  const leaseBatches: LeaseBatches = new BookBatches();
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const retryAfter = options.followerRetryAfterSeconds ?? 1;
  let closing = false;
  let usageInFlight = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const route = serviceRoute(request.method, request.url);
    response.once('finish', () =>
      metrics.requests.inc({ service: route.service, code: String(response.statusCode) }),
    );
    const refuse = (error: ServiceError) => {
      request.resume();
      sendError(response, error);
    };
    if (route.service === 'none') return refuse(route.error);
    if (closing) {
      return refuse({
        status: 503,
        code: 'unavailable',
        message: 'the operator is shutting down; retry',
        retryAfterSeconds: retryAfter,
        headers: { connection: 'close' },
      });
    }
    if (!options.isLeader()) {
      return refuse({
        status: 503,
        code: 'not_leader',
        message: 'this operator replica is not the leader; retry (the Service routes to the leader)',
        retryAfterSeconds: retryAfter,
      });
    }
    const authentication = await authenticator.authenticate(request.headers.authorization);
    if (!authentication.ok) {
      metrics.tokenReviews.inc({ result: authentication.review });
      return refuse(authentication.error);
    }
    metrics.tokenReviews.inc({ result: authentication.cached ? 'cached' : 'authenticated' });
    const identity = authentication.identity;

    if (route.service === 'policy') {
      request.resume();
      const refusal = agentBindingRefusal(
        identity,
        { namespace: route.namespace, name: route.agent },
        'read the policy of',
        options.agentAccounts?.(route.namespace, route.agent),
      );
      if (refusal) return refuse(refusal);
      return longPoll.serve(response, route.namespace, route.agent, route.after, route.watch);
    }
    if (route.service === 'trace-calls') {
      const agent = { namespace: route.namespace, name: route.agent };
      const accounts = options.agentAccounts?.(route.namespace, route.agent);
      return takeTraceCallOf(request, response, identity, agent, traceCalls, accounts, (admitted) =>
        metrics.traceCallTakes.inc({ result: admitted ? 'admitted' : 'refused' }),
      );
    }

    if (route.service === 'budget-leases') {
      return grantBudgetLeases(request, response, identity, {
        books: options.leases,
        batches: leaseBatches,
        store,
        now: () => (options.now ? options.now().getTime() : Date.now()),
        leaseMs: options.budgetLeaseMs,
        agentAccounts: options.agentAccounts,
        onLease: (result, granted) => {
          metrics.budgetLeases.inc({ result });
          if (result !== 'released') metrics.leaseSlice.observe(granted);
        },
      });
    }

    usageInFlight++;
    try {
      await ingestUsage(request, response, identity, {
        committer,
        metrics,
        logger,
        maxBodyBytes,
        ...(options.agentAccounts ? { agentAccounts: options.agentAccounts } : {}),
      });
    } finally {
      usageInFlight--;
    }
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((err: unknown) => {
      logger.error(
        { error: err instanceof Error ? err.stack : String(err) },
        'sidecar services request failed',
      );
      sendError(response, {
        status: 500,
        code: 'internal_error',
        message: `the operator failed to answer: ${(err as Error)?.message ?? String(err)}`,
      });
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  // Sidecars keep one connection open for their long-polls; keep it between two polls.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  if (mirrors && (options.restore ?? true)) {
    await restorePoliciesInBackground(kube, store, logger, stopping.signal);
  }
  if (mirrors) mirror.start();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: options.port, ...(options.host ? { host: options.host } : {}) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    stopping.abort();
    await mirror.stop(0);
    throw new Error(
      `the sidecar services cannot listen on ${options.host ?? '*'}:${options.port}: ${(err as Error).message}`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  const host =
    !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, tls: Boolean(options.tls) }, 'sidecar services listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    registry,
    metrics,
    flushMirror: () => mirror.flush(),
    setTls(tls) {
      if (!options.tls)
        throw new Error('the sidecar services were started without TLS; restart them with tls');
      (server as unknown as { setSecureContext(o: SidecarServicesTls): void }).setSecureContext(tls);
    },
    close(graceMs = 5_000) {
      closed ??= (async () => {
        closing = true;
        stopping.abort();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        longPoll.endAll();
        server.closeIdleConnections();
        const deadline = performance.now() + graceMs;
        while (usageInFlight > 0 && performance.now() < deadline) await sleep(10);
        server.closeAllConnections();
        await serverClosed;
        await mirror.stop();
      })();
      return closed;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
