// `agent-governor gateway`: one shared, multi-tenant proxy for the agents of a namespace or a team,
// with the sidecar's governance. The same HTTP front as the sidecar (sidecar/http/sidecar-server.ts)
// and, once a call's token names its agent, the same `handleGovernedRequest` with that agent's
// pipeline (agent-pipelines.ts) — so the gateway and the sidecar never disagree on a call.
// docs/gateway.md, docs/adr/0059-gateway-mode.md.
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import type { AgentPipelineOptions } from '../sidecar/agent-pipeline.js';
import { answerFeedback } from '../sidecar/feedback/feedback-endpoint.js';
import type { ApiKind } from '../sidecar/http/api-kind.js';
import { errorBody } from '../sidecar/http/error-body.js';
import { DEFAULT_MAX_BODY_BYTES } from '../sidecar/http/request-body.js';
import { type GovernedCall, send, startSidecarServer } from '../sidecar/http/sidecar-server.js';
import { handleGovernedRequest } from '../sidecar/pipeline/handle-governed-request.js';
import { turnBatchedStdout } from '../sidecar/telemetry/log-destination.js';
import type { ServiceError } from '../sidecar-services/service-answer.js';
import { AgentPipelines, type PipelineLease } from './agent-pipelines.js';
import { GatewayAuthentication, type GatewayCaller } from './gateway-authentication.js';
import { mergedExposition } from './merged-exposition.js';

export interface StartGatewayOptions {
  /** Reviews tokens and reads pods (`create` tokenreviews, `get` pods). */
  kube: KubeClient;
  /** Default 0.0.0.0: the agents reach the gateway through its Service. */
  host?: string;
  /** Default 4000; 0 picks a free port. */
  port?: number;
  /** The operator's sidecar services (policies, usage); each agent's own token is sent there. */
  operatorUrl: string;
  operatorCaFile?: string;
  /** Root of the agents' spools and token files (default: under the system temp dir). */
  spoolDir?: string;
  /** Namespaces whose agents are served; empty: every namespace. */
  namespaces?: readonly string[];
  logger?: Logger;
  /** Agents with a pipeline at once (default 1,000) and how long an idle one stays (default 10 min). */
  maxAgents?: number;
  idleMs?: number;
  /** How long a reviewed token and its pod are trusted (default 10 s). */
  tokenCacheMs?: number;
  flushIntervalMs?: number;
  maxBodyBytes?: number;
  dispatcher?: Dispatcher;
  env?: AgentPipelineOptions['env'];
  /** How long close() lets calls in flight finish (default 10 s). */
  shutdownGraceMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  pipelines: AgentPipelines;
  authentication: GatewayAuthentication;
  /** Accounts finished calls of every agent now (tests read metrics right after an answer). */
  flushFinishedCalls(): Promise<void>;
  /** No new calls, calls in flight finish, every agent's usage delivered. */
  close(): Promise<void>;
}

/** A call's hold on its agent's pipeline, or undefined: the call was refused, its answer written. */
type Leased = Extract<PipelineLease, { ok: true }> | undefined;

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? pino({ base: { component: 'gateway' } }, turnBatchedStdout());
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const agentsGauge = new Gauge({
    name: 'governor_gateway_agents',
    help: 'Agents with a pipeline in this gateway now.',
    registers: [registry],
  });
  /** Calls accepted since the last scrape: counted in a number, added to the counter when scraped. */
  let accepted = 0;
  const authentications = new Counter({
    name: 'governor_gateway_authentications_total',
    help: 'Calls by the outcome of their authentication: ok, or the status refused with.',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      if (accepted === 0) return;
      this.inc({ outcome: 'ok' }, accepted);
      accepted = 0;
    },
  });
  const authentication = new GatewayAuthentication({
    kube: options.kube,
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
    ...(options.tokenCacheMs !== undefined ? { cacheMs: options.tokenCacheMs } : {}),
    onReviewError: (err) => logger.warn({ error: err.message }, 'TokenReview failed'),
  });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const pipelines = new AgentPipelines({
    operatorUrl: options.operatorUrl,
    ...(options.operatorCaFile ? { operatorCaFile: options.operatorCaFile } : {}),
    spoolRoot: options.spoolDir ?? join(tmpdir(), 'agent-governor-gateway'),
    logger,
    maxBodyBytes,
    ...(options.maxAgents !== undefined ? { maxAgents: options.maxAgents } : {}),
    ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
    ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.env ? { env: options.env } : {}),
  });

  /**
   * The caller's agent's pipeline, or undefined once the refusal is answered. At once (no promise)
   * for a caller remembered whose agent's pipeline has started: the gateway's steady state.
   */
  function leaseFor(
    headers: Parameters<GatewayAuthentication['authenticate']>[0],
    res: ServerResponse,
    api?: ApiKind,
  ): Leased | Promise<Leased> {
    const caller = authentication.authenticate(headers);
    if (caller instanceof Promise) return caller.then((known) => leaseOf(known, res, api));
    return leaseOf(caller, res, api);
  }

  function leaseOf(caller: GatewayCaller, res: ServerResponse, api?: ApiKind): Leased | Promise<Leased> {
    if (!caller.ok) {
      authentications.inc({ outcome: String(caller.error.status) });
      return refuse(res, api, caller.error);
    }
    accepted++;
    const lease = pipelines.acquire(caller.agent, caller.token);
    if (lease instanceof Promise) return lease.then((settled) => leased(settled, res, api));
    return leased(lease, res, api);
  }

  function leased(lease: PipelineLease, res: ServerResponse, api?: ApiKind): Leased {
    if (!lease.ok) return refuse(res, api, lease.error);
    return lease;
  }

  /** One governed call with its agent's pipeline; the lease released when it has ended. */
  async function governWith(call: GovernedCall, lease: Leased): Promise<void> {
    if (!lease) return;
    try {
      await handleGovernedRequest(call, lease.pipeline.services);
    } finally {
      lease.release();
    }
  }

  let closing = false;
  const server = await startSidecarServer({
    host: options.host ?? '0.0.0.0',
    port: options.port ?? 4000,
    maxBodyBytes,
    governed(call) {
      const lease = leaseFor(call.req.headers, call.res, call.api);
      if (lease instanceof Promise) return lease.then((settled) => governWith(call, settled));
      return governWith(call, lease);
    },
    async feedback(req, res) {
      const lease = await leaseFor(req.headers, res);
      if (!lease) return void req.resume();
      try {
        await answerFeedback(req, res, lease.pipeline.feedback, maxBodyBytes);
      } finally {
        lease.release();
      }
    },
    ready: () => !closing,
    async metrics() {
      agentsGauge.set(pipelines.size);
      const texts = [await registry.metrics(), ...(await pipelines.scrapes())];
      return { contentType: registry.contentType, body: mergedExposition(texts) };
    },
    // The model list and a deferred call are each agent's own: the caller's, through its pipeline
    // (a job id of another agent is not in this agent's spool: 404).
    async models(req, res) {
      const lease = await leaseFor(req.headers, res);
      if (!lease) return undefined;
      try {
        return lease.pipeline.models();
      } finally {
        lease.release();
      }
    },
    async deferred(id, req, res) {
      const lease = await leaseFor(req.headers, res);
      if (!lease) return undefined;
      try {
        return await lease.pipeline.deferred.answer(id);
      } finally {
        lease.release();
      }
    },
    onError: (err) =>
      logger.error({ error: err instanceof Error ? err.stack : String(err) }, 'request failed'),
  });
  logger.info({ url: server.url, operatorUrl: options.operatorUrl }, 'gateway listening');

  let closed: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    pipelines,
    authentication,
    async flushFinishedCalls() {
      await pipelines.scrapes();
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await server.close(options.shutdownGraceMs ?? 10_000);
        await pipelines.close();
        if (!options.logger) await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })();
      return closed;
    },
  };
}

/** Answers a refusal in the shape of the API the call speaks (OpenAI's when unknown). */
function refuse(res: ServerResponse, api: ApiKind | undefined, error: ServiceError): undefined {
  if (error.status === 401) res.setHeader('www-authenticate', 'Bearer realm="agent-governor-gateway"');
  if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
  send(res, errorBody(api, error.status, error.code, error.message));
  return undefined;
}
