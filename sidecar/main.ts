import type { EffectivePolicy } from '../apis/effective-policy.js';
import { type AgentPipelineOptions, startAgentPipeline } from './agent-pipeline.js';
import type { BudgetGate } from './budget/budget-gate.js';
import { answerFeedback } from './feedback/feedback-endpoint.js';
import { type MetricsListener, startMetricsListener } from './http/metrics-listener.js';
import { startSidecarServer } from './http/sidecar-server.js';
import { handleGovernedRequest } from './pipeline/handle-governed-request.js';
import type { CircuitBoard } from './routing/circuit-board.js';
import type { SidecarMetrics } from './telemetry/sidecar-metrics.js';

export interface StartSidecarOptions extends AgentPipelineOptions {
  /** Default 127.0.0.1: the agent is in the same pod; nothing else should reach the sidecar. */
  host?: string;
  /** Default 4000; 0 picks a free port (see `port` of the result). */
  port?: number;
  /**
   * A second listener answering only `GET /metrics`, for Prometheus (the proxy stays on `host`).
   * Default: none. 0 picks a free port (see `metricsUrl` of the result).
   */
  metricsPort?: number;
  /** Address of the metrics listener; default 0.0.0.0 (the pod IP, where Prometheus scrapes). */
  metricsHost?: string;
  /** How long close() lets calls in flight finish (default 10 s). */
  shutdownGraceMs?: number;
  /**
   * The longest close() takes in all (in a pod: the termination grace period less a margin, given
   * by the injector as `--shutdown-seconds`): calls in flight get up to `shutdownGraceMs` of it, and
   * the rest goes to delivering spooled usage, retried until acknowledged
   * (docs/adr/0044-usage-delivery-within-the-grace-period.md). Default: calls in flight, then 1 s.
   */
  stopWithinMs?: number;
}

export interface RunningSidecar {
  url: string;
  port: number;
  /** Where the metrics listener answers, when `metricsPort` was given. */
  metricsUrl?: string;
  metrics: SidecarMetrics;
  /** The policy in force now. */
  policy(): EffectivePolicy;
  gate: BudgetGate;
  circuits: CircuitBoard;
  /**
   * Accounts finished calls now — metrics, log lines, usage records — instead of within the next
   * 50 ms (see FinishedCalls); for tests and embedders that read the log right after an answer.
   */
  flushFinishedCalls(): void;
  /** Graceful stop: no new calls, calls in flight finish, usage is flushed (and spooled when unsent). */
  close(): Promise<void>;
}

/**
 * Starts a sidecar: one agent's pipeline (agent-pipeline.ts: its policy, budget gate, cache, routes,
 * metrics and usage reporting), then the HTTP server. Resolves once it listens; rejects with the
 * policy's error (a ConfigError names file, line and field) when no first policy can be had. The
 * CLI, the e2e suites, the benchmark and the operator tests all start it this way.
 */
export async function startSidecar(options: StartSidecarOptions = {}): Promise<RunningSidecar> {
  const pipeline = await startAgentPipeline(options);
  const { services, feedback, deferred, maxBodyBytes } = pipeline;
  const { logger } = services;
  let closing = false;
  const onError = (err: unknown) =>
    logger.error({ error: err instanceof Error ? err.stack : String(err) }, 'request failed');
  let server: Awaited<ReturnType<typeof startSidecarServer>> | undefined;
  let metricsListener: MetricsListener | undefined;
  try {
    server = await startSidecarServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 4000,
      maxBodyBytes,
      governed: (call) => handleGovernedRequest(call, services),
      feedback: (req, res) => answerFeedback(req, res, feedback, maxBodyBytes),
      ready: () => !closing,
      metrics: pipeline.scrape,
      models: pipeline.models,
      onError,
      deferred: (id) => deferred.answer(id),
    });
    if (options.metricsPort !== undefined) {
      metricsListener = await startMetricsListener({
        host: options.metricsHost ?? '0.0.0.0',
        port: options.metricsPort,
        metrics: pipeline.scrape,
        onError,
      });
    }
  } catch (err) {
    await server?.close(0);
    await pipeline.close();
    throw err;
  }

  const proxy = server;
  let closed: Promise<void> | undefined;
  return {
    url: proxy.url,
    port: proxy.port,
    ...(metricsListener ? { metricsUrl: metricsListener.url } : {}),
    metrics: pipeline.metrics,
    policy: pipeline.policy,
    gate: pipeline.gate,
    circuits: pipeline.circuits,
    flushFinishedCalls: () => services.finished.flush(),
    close() {
      closed ??= (async () => {
        closing = true;
        const began = performance.now();
        const within = options.stopWithinMs;
        const callsGrace = options.shutdownGraceMs ?? 10_000;
        await Promise.all([
          proxy.close(within === undefined ? callsGrace : Math.min(callsGrace, Math.max(0, within - 1_000))),
          metricsListener?.close(),
        ]);
        await pipeline.close(
          within === undefined ? undefined : Math.max(1_000, within - (performance.now() - began)),
        );
      })();
      return closed;
    },
  };
}
