// The operator process as one object (controller-runtime's Manager): it owns the API connection,
// the shared informers (running on leader and standby), the controllers and leader-only services that
// work only while this process leads, the services that run throughout, and the probe and metrics
// endpoints. `stop()` is the graceful shutdown: readiness turns off, controllers take no new work and
// finish what runs (bounded), the Lease is released so a standby takes over at once, then watches
// and servers close.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ControllerRunner } from '../controller/controller-runner.js';
import type { Check } from '../http/health-checks.js';
import { InformerSet } from '../informer/informer-set.js';
import { ApiTransport } from '../kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../kube/kube-client.js';
import { processIdentity } from '../leader/identity.js';
import { createOperatorMetrics, type OperatorMetrics } from '../metrics/operator-metrics.js';
import { Leadership } from './leadership.js';
import type { Operator, OperatorOptions, StopOutcome } from './operator-runtime.js';
import type { OperatorService, ServiceContext } from './operator-service.js';
import { type ProbeEndpoints, startProbeEndpoints } from './probe-endpoints.js';

export class Manager implements Operator {
  readonly identity: string;
  readonly lease: string | undefined;
  readonly controllers: string[];
  readonly services: string[];
  readonly metrics: OperatorMetrics;
  readonly informers: InformerSet;
  /** Not bound to leadership: for setup and tests, never for reconciling. */
  readonly client: KubeClient;
  readonly stopped: Promise<StopOutcome>;
  metricsUrl: string | undefined;
  healthUrl: string | undefined;

  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly registry: Registry;
  private readonly transport: ApiTransport;
  private readonly runners: ControllerRunner[];
  private readonly serviceList: OperatorService[];
  private readonly leadership: Leadership;
  private readonly shutdownTimeoutMs: number;
  /** Fires at shutdown: ends the services that run throughout. */
  private readonly shutdown = new AbortController();
  private readonly serviceRuns: Promise<void>[] = [];
  private endpoints: ProbeEndpoints | undefined;
  private leading = false;
  private stopping = false;
  private failure: Error | undefined;
  private stopRun: Promise<void> | undefined;
  private resolveStopped: (outcome: StopOutcome) => void = () => {};

  /** Builds the manager, listens on its endpoints, then starts informers, services and the election. */
  static async start(options: OperatorOptions): Promise<Manager> {
    const manager = new Manager(options);
    await manager.listen(options);
    manager.run();
    return manager;
  }

  private constructor(private readonly options: OperatorOptions) {
    this.log = options.log;
    this.now = options.now ?? (() => new Date());
    this.identity = options.identity ?? processIdentity();
    this.registry = options.registry ?? new Registry();
    this.metrics = createOperatorMetrics(this.registry);
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
    const fieldManager = options.fieldManager ?? 'agent-governor';
    this.transport = new ApiTransport(options.connection);
    this.client = createKubeClient(this.transport, { fieldManager });
    this.informers = new InformerSet(this.transport, {
      log: this.log,
      ...(options.informerSources ? { sources: options.informerSources } : {}),
      onRestart: (resource, reason) => this.metrics.watchRestarts.inc({ resource, reason }),
    });

    const environment = {
      registry: this.registry,
      log: this.log,
      now: this.now,
      identity: this.identity,
      namespace: options.namespace,
    };
    this.runners = (options.controllers ?? []).map((controller) => {
      const definition = typeof controller === 'function' ? controller(environment) : controller;
      return new ControllerRunner(definition, {
        informers: this.informers,
        client: this.client,
        metrics: this.metrics,
        log: this.log,
        identity: this.identity,
        now: this.now,
      });
    });
    this.controllers = this.runners.map((runner) => runner.name);
    const duplicate = this.controllers.find((name, index) => this.controllers.indexOf(name) !== index);
    if (duplicate) throw new Error(`two controllers are named ${duplicate}; controller names must be unique`);
    this.serviceList = options.services ?? [];
    this.services = this.serviceList.map((service) => service.name);

    this.leadership = new Leadership({
      election: options.leaderElection,
      connection: options.connection,
      namespace: options.namespace,
      identity: this.identity,
      fieldManager,
      informers: this.informers,
      log: this.log,
      onStartedLeading: (term) => this.startedLeading(term),
      onStoppedLeading: () => this.stoppedLeading(),
    });
    this.lease = this.leadership.lease;
    this.stopped = new Promise<StopOutcome>((resolve) => {
      this.resolveStopped = resolve;
    });
  }

  readonly isLeader = (): boolean => this.leading;

  /** Graceful shutdown; safe to call twice. */
  readonly stop = (reason = 'stop requested'): Promise<void> => {
    this.stopRun ??= this.shutDown(reason);
    return this.stopRun;
  };

  private async listen(options: OperatorOptions): Promise<void> {
    const healthz: Check[] = [{ name: 'ping', problem: () => undefined }];
    const readyz: Check[] = [
      {
        name: 'informers',
        problem: () => {
          const waiting = this.informers.unsynced();
          return waiting.length === 0 ? undefined : `waiting for the first list of ${waiting.join(', ')}`;
        },
      },
      { name: 'shutdown', problem: () => (this.stopping ? 'shutting down' : undefined) },
    ];
    try {
      this.endpoints = await startProbeEndpoints({
        metrics: options.metrics,
        health: options.health,
        registry: this.registry,
        healthz,
        readyz,
      });
    } catch (err) {
      await this.transport.close();
      await this.leadership.close();
      throw err;
    }
    this.metricsUrl = this.endpoints.metricsUrl;
    this.healthUrl = this.endpoints.healthUrl;
  }

  private run(): void {
    this.informers.start();
    for (const service of this.serviceList) {
      if (!service.leaderOnly) this.runService(service, this.shutdown.signal);
    }
    this.metrics.leader.set(0);
    this.leadership.start();
  }

  private startedLeading(term: AbortSignal): void {
    this.leading = true;
    this.metrics.leader.set(1);
    this.metrics.leaderTransitions.inc();
    for (const runner of this.runners) {
      runner.lead(term).catch((err: unknown) => {
        this.log.error(
          { controller: runner.name, err: (err as Error).message },
          `controller ${runner.name} could not start`,
        );
      });
    }
    for (const service of this.serviceList) if (service.leaderOnly) this.runService(service, term);
  }

  private stoppedLeading(): void {
    this.leading = false;
    this.metrics.leader.set(0);
    // The term signal has fired: running reconciles' API calls are aborted; drop the queues.
    for (const runner of this.runners) void runner.stop(0);
  }

  private runService(service: OperatorService, signal: AbortSignal): void {
    const context: ServiceContext = {
      client: this.client.withSignal(signal),
      informers: this.informers,
      log: this.log.child({ service: service.name }),
      registry: this.registry,
      signal,
      isLeader: this.isLeader,
      now: this.now,
      identity: this.identity,
      namespace: this.options.namespace,
    };
    const run = service.run(context).catch((err: unknown) => {
      // A service that cannot run (its port is taken, …) takes the operator down, so that the
      // process exits non-zero and is restarted rather than running half.
      const error = err instanceof Error ? err : new Error(String(err));
      this.log.error({ service: service.name, err: error.message }, `service ${service.name} failed`);
      this.failure ??= new Error(`service ${service.name} failed: ${error.message}`, { cause: error });
      void this.stop(this.failure.message);
    });
    this.serviceRuns.push(run);
  }

  private async shutDown(reason: string): Promise<void> {
    this.stopping = true;
    this.log.info({ reason }, `shutting down (${reason})`);
    const timeout = this.shutdownTimeoutMs;
    const unfinished = (await Promise.all(this.runners.map((runner) => runner.stop(timeout)))).flat();
    if (unfinished.length > 0) {
      this.log.warn(
        { keys: unfinished },
        `gave up waiting for ${unfinished.length} reconcile(s) after ${timeout} ms`,
      );
    }
    // Ends the term (aborting stragglers' API calls) and hands the Lease to a standby.
    await this.leadership.stop();
    this.shutdown.abort(new Error('shutting down'));
    await withTimeout(Promise.all(this.serviceRuns), timeout);
    await this.informers.stop();
    await this.endpoints?.close();
    await this.transport.close();
    await this.leadership.close();
    this.log.info('stopped');
    this.resolveStopped(this.failure ? { reason, failure: this.failure } : { reason });
  }
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
