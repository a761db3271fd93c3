// Everything one agent's governed calls go through, without a listener: its policy source, budget
// gate, cache, routes and circuits, metrics, usage spool and reporter, deferred calls, feedback and
// capture. The sidecar runs one behind its loopback port (main.ts); the gateway runs one per agent it
// serves, behind one port for all (gateway/, docs/adr/0059-gateway-mode.md). Both hand each call to
// the same `handleGovernedRequest` with the pipeline's `services`.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import type { CaptureSettingsInput } from '../apis/capture-settings.js';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { BudgetGate } from './budget/budget-gate.js';
import { BudgetLeases } from './budget/budget-leases.js';
import { ResponseCache } from './cache/response-cache.js';
import { loadCapture, startCapture } from './capture/start-capture.js';
import type { ConfigEnv } from './config/env-interpolation.js';
import { DeferredCalls } from './deferred/deferred-calls.js';
import { DeferredJobs } from './deferred/deferred-jobs.js';
import { DeferredUpkeep } from './deferred/deferred-upkeep.js';
import { ProviderBatches } from './deferred/provider-batches.js';
import { FeedbackLoop, type FeedbackOptions } from './feedback/feedback-loop.js';
import { FeedbackMetrics } from './feedback/feedback-metrics.js';
import { operatorConnector } from './http/operator-trust.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/request-body.js';
import { Agent as UndiciAgent } from './http/undici-parts.js';
import { AttemptPlans } from './pipeline/attempt-plans.js';
import { FinishedCalls } from './pipeline/finished-calls.js';
import type { PipelineServices } from './pipeline/pipeline-services.js';
import { SummaryWriter } from './pipeline/summary-writer.js';
import type { PolicySource } from './policy-source/policy-source.js';
import { circuitReport } from './reporting/circuit-report.js';
import { SharedTraceCalls } from './reporting/shared-trace-calls.js';
import { UsageRecorder } from './reporting/usage-recorder.js';
import { UsageReporter } from './reporting/usage-reporter.js';
import { CircuitBoard } from './routing/circuit-board.js';
import { switchedRoutes } from './routing/fallback-switch.js';
import { CATCH_ALL_MODEL } from './routing/route-for.js';
import { RouteRunner } from './routing/route-runner.js';
import { TargetCredentials } from './routing/target-credentials.js';
import { turnBatchedStdout } from './telemetry/log-destination.js';
import { SidecarMetrics } from './telemetry/sidecar-metrics.js';
import type { CallSpans } from './tracing/call-tracer.js';
import { tracingSettings } from './tracing/tracing-settings.js';

export interface AgentPipelineOptions {
  /** Standalone: the SidecarConfig YAML file, reloaded when it changes. */
  config?: string;
  /** In a cluster: the operator's base URL, the agent, the ServiceAccount token and the mounted policy. */
  operatorUrl?: string;
  /** PEM CA bundle to verify an https operatorUrl against (the mounted ConfigMap agent-governor-services-ca). */
  operatorCaFile?: string;
  agent?: { namespace: string; name: string };
  tokenFile?: string;
  policyFile?: string;
  /** Where unacknowledged usage batches wait (default: a directory under the system temp dir). */
  spoolDir?: string;
  logger?: Logger;
  /** Largest request body accepted (default 10 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /**
   * Time between two background rounds over deferred jobs (expired files swept, finished batches
   * fetched and counted without the agent polling); default one minute.
   */
  deferredPollIntervalMs?: number;
  /** Environment for `${VAR}` in the config file and for keys read from variables (default process.env). */
  env?: ConfigEnv;
  /** Usage flush interval of the reporter (default 2 s). */
  flushIntervalMs?: number;
  /**
   * Bounds of the calls remembered for feedback and the re-ask window and similarity
   * (docs/feedback.md); defaults: 10 000 calls, 1 hour, 5 000 conversations, 10 minutes, 0.8.
   */
  feedback?: FeedbackOptions;
  /**
   * Capture of request/answer pairs, redacted and encrypted, to `<spool dir>/capture` (docs/capture.md);
   * absent: off. Refused without `keyFile`.
   */
  capture?: Partial<CaptureSettingsInput>;
  /**
   * OTLP/HTTP base URL spans are sent to (`/v1/traces` appended), one per governed call
   * (docs/traces.md); without it the OTEL_EXPORTER_OTLP_* variables of `env`; none: tracing off.
   */
  otlpEndpoint?: string;
  /** For tests and embedding: a ready-made policy source, dispatcher or metrics registry. */
  policySource?: PolicySource;
  dispatcher?: Dispatcher;
  registry?: Registry;
  /** Whether the registry gets the process metrics (default true; a gateway adds them once, not per agent). */
  processMetrics?: boolean;
}

export interface AgentPipeline {
  /** What `handleGovernedRequest` needs for each call. */
  services: PipelineServices;
  metrics: SidecarMetrics;
  gate: BudgetGate;
  circuits: CircuitBoard;
  feedback: FeedbackLoop;
  deferred: DeferredCalls;
  maxBodyBytes: number;
  /** The policy in force now. */
  policy(): EffectivePolicy;
  /** The models the routes accept, for `GET /v1/models`. */
  models(): string[];
  /** The metrics text: the batched finished calls first, then the budgets, then the registry. */
  scrape(): Promise<{ contentType: string; body: string }>;
  /**
   * After the listener stopped taking calls: summaries written, finished calls accounted, usage
   * delivered (within `deliverWithinMs` when given), then everything stopped.
   */
  close(deliverWithinMs?: number): Promise<void>;
}

/**
 * Starts one agent's pipeline: its policy (file or operator), gate, cache, routes, metrics and usage
 * reporting. Rejects with the policy's error (a ConfigError names file, line and field) when no
 * first policy can be had.
 */
export async function startAgentPipeline(options: AgentPipelineOptions = {}): Promise<AgentPipeline> {
  if (options.operatorCaFile && !options.operatorUrl?.startsWith('https:')) {
    throw new Error(
      `the sidecar was given the operator's CA bundle ${options.operatorCaFile} but the operator URL ` +
        `${options.operatorUrl ?? '(none)'} is not https: give an https:// --operator-url`,
    );
  }
  const capturing = options.capture === undefined ? undefined : loadCapture(options.capture);
  const tracingAt = tracingSettings(options.otlpEndpoint, options.env ?? process.env);
  const ownLogger = options.logger === undefined;
  const logger = options.logger ?? pino({ base: { component: 'sidecar' } }, turnBatchedStdout());
  const source = options.policySource ?? (await policySourceFor(options, logger));
  await source.start();

  const gate = new BudgetGate();
  gate.setPolicy(source.current());
  const metrics = new SidecarMetrics(
    options.registry,
    options.processMetrics === undefined ? {} : { processMetrics: options.processMetrics },
  );
  let switched = switchedRoutes(source.current());
  const showSwitch = (policy: EffectivePolicy) =>
    metrics.setFallbackSwitched(
      policy.routes.map((r) => r.name),
      switched,
    );
  showSwitch(source.current());
  const unsubscribe = source.onChange((policy) => {
    gate.setPolicy(policy);
    logger.info({ policyVersion: policy.version }, 'policy changed');
    const now = switchedRoutes(policy);
    if (now.join() !== switched.join()) {
      logger.warn({ routes: now, before: switched }, 'switch to fallback changed');
    }
    switched = now;
    showSwitch(policy);
  });

  const circuits = new CircuitBoard((route, target, state) => {
    metrics.setCircuit(route, target, state);
    if (state !== 'Closed') logger.warn({ route, target, circuit: state }, 'circuit changed');
  });
  const credentials = new TargetCredentials(options.env ?? process.env);
  const runner = new RouteRunner({
    board: circuits,
    credentials,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  // The usage reporter drains the recorder: calls still held by `finished` go in first.
  const recorder = new UsageRecorder(() => finished.flush());
  const agent = options.agent ?? source.current().agent;
  // The OpenTelemetry SDK is loaded only when tracing is on: off, a call makes no span id.
  const tracing: CallSpans | undefined = tracingAt
    ? (await import('./tracing/call-tracer.js')).startCallTracing(tracingAt, agent, (err) =>
        logger.warn({ error: err.message }, 'trace export'),
      )
    : undefined;
  const finished = new FinishedCalls({ metrics, logger, recorder, ...(tracing ? { tracing } : {}) });
  const spoolDir =
    options.spoolDir ?? join(tmpdir(), `agent-governor-spool-${agent.namespace}-${agent.name}`);
  const reporter = new UsageReporter({
    spoolDir,
    agent: { namespace: agent.namespace, name: agent.name },
    recorder,
    ...(options.operatorUrl ? { operatorUrl: options.operatorUrl } : {}),
    ...(options.operatorCaFile ? { operatorCaFile: options.operatorCaFile } : {}),
    ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
    ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
    circuits: () =>
      circuitReport(source.current(), (route, target) => circuits.stateOf(route, target), new Date()),
    onError: (err) => logger.warn({ error: err.message }, 'usage reporting'),
  });
  await reporter.start();

  // Calls per trace are counted across the agent's pods by the operator (docs/adr/0042-calls-per-trace-across-pods.md).
  const sharedTraces = options.operatorUrl
    ? new SharedTraceCalls({
        operatorUrl: options.operatorUrl,
        ...(options.operatorCaFile ? { operatorCaFile: options.operatorCaFile } : {}),
        agent: { namespace: agent.namespace, name: agent.name },
        ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
        onError: (err) => logger.warn({ error: err.message }, 'calls per trace'),
      })
    : undefined;
  // Slices of the token budgets, admitted against locally (docs/adr/0062-budget-leases.md).
  const leases = options.operatorUrl ? startBudgetLeases(options, gate, agent, logger) : undefined;
  const plans = new AttemptPlans();
  // Calls past the reasoning budget deferred to the provider's batch API (docs/adr/0048-deferred-calls-through-batch-apis.md).
  const batches = new ProviderBatches();
  const deferredJobs = new DeferredJobs(spoolDir);
  const deferred = new DeferredCalls({
    jobs: deferredJobs,
    batches,
    credentials,
    gate,
    policy: () => source.current(),
    finished: (record) => finished.add(record),
    outcome: (outcome) => metrics.countDeferred(outcome),
  });
  const feedback = new FeedbackLoop(new FeedbackMetrics(metrics.registry), logger, options.feedback);
  const capture = capturing && startCapture(capturing, spoolDir, metrics.registry, logger);
  const upkeep = new DeferredUpkeep({
    jobs: deferredJobs,
    calls: deferred,
    ...(options.deferredPollIntervalMs !== undefined ? { intervalMs: options.deferredPollIntervalMs } : {}),
    onError: (err) => logger.warn({ error: err.message }, 'deferred calls'),
  });
  upkeep.start();
  const services: PipelineServices = {
    policy: () => source.current(),
    deferred,
    feedback,
    ...(capture ? { capture } : {}),
    ...(tracing ? { tracing } : {}),
    ...(sharedTraces ? { sharedTraces } : {}),
    gate,
    cache: new ResponseCache(),
    runner,
    finished,
    logger,
    plans,
    summaries: new SummaryWriter({ gate, runner, plans, finished, logger }),
  };
  let closed: Promise<void> | undefined;
  return {
    services,
    metrics,
    gate,
    circuits,
    feedback,
    deferred,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    policy: () => source.current(),
    models: () => [
      ...new Set(
        source
          .current()
          .routes.map((r) => r.model)
          .filter((m) => m !== CATCH_ALL_MODEL),
      ),
    ],
    async scrape() {
      finished.flush();
      metrics.setBudgets(gate.snapshot());
      return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
    close(deliverWithinMs) {
      closed ??= (async () => {
        // A summary being written is a call of its own: its usage is recorded before the last report.
        await services.summaries.settled();
        finished.flush();
        // Calls are done: what is left of the slices goes back to the agent's other replicas.
        await leases?.leases.stop();
        await leases?.dispatcher.close();
        await capture?.close();
        await tracing?.close();
        unsubscribe();
        await reporter.stop(deliverWithinMs);
        await source.stop();
        await upkeep.stop();
        await runner.close();
        await batches.close();
        await sharedTraces?.close();
        if (ownLogger) await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })();
      return closed;
    },
  };
}

function startBudgetLeases(
  options: AgentPipelineOptions,
  gate: BudgetGate,
  agent: { namespace: string; name: string },
  logger: Logger,
): { leases: BudgetLeases; dispatcher: UndiciAgent } {
  const dispatcher = new UndiciAgent({
    keepAliveTimeout: 30_000,
    connections: 2,
    ...(options.operatorCaFile ? { connect: operatorConnector(options.operatorCaFile) } : {}),
  });
  const tokenFile = options.tokenFile;
  const leases = new BudgetLeases({
    gate,
    agent: { namespace: agent.namespace, name: agent.name },
    transport: {
      servicesUrl: options.operatorUrl ?? '',
      dispatcher,
      ...(tokenFile ? { token: async () => (await readFile(tokenFile, 'utf8')).trim() } : {}),
    },
    onError: (err) => logger.warn({ error: err.message }, 'budget leases'),
  });
  leases.start();
  return { leases, dispatcher };
}

/**
 * The policy source of the mode the sidecar runs in, imported only then: the file mode's YAML parser
 * and config compiler cost memory a sidecar fed by the operator never needs, and the other way round.
 */
async function policySourceFor(options: AgentPipelineOptions, logger: Logger): Promise<PolicySource> {
  const onError = (err: Error) =>
    logger.error({ error: err.message }, 'policy update failed; the last good policy stays in force');
  if (options.config) {
    const { FilePolicySource } = await import('./config/file-policy-source.js');
    return new FilePolicySource({
      file: options.config,
      ...(options.env ? { env: options.env } : {}),
      onError,
    });
  }
  if (options.operatorUrl) {
    if (!options.agent) throw new Error('the sidecar needs --agent NAMESPACE/NAME with --operator-url');
    const { OperatorPolicySource } = await import('./policy-source/operator-policy-source.js');
    return new OperatorPolicySource({
      operatorUrl: options.operatorUrl,
      ...(options.operatorCaFile ? { operatorCaFile: options.operatorCaFile } : {}),
      agent: options.agent,
      ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
      ...(options.policyFile ? { fallbackFile: options.policyFile } : {}),
      onError,
    });
  }
  throw new Error(
    'the sidecar needs a policy: --config FILE (standalone) or --operator-url URL --agent NAMESPACE/NAME (in a cluster)',
  );
}
