// The operator process, composed: shared informers (running on leader and standby), controllers
// and leader-only services that work only while this process holds the Lease, services that run
// throughout, and the probe and metrics endpoints. `stop()` is the graceful shutdown: readiness
// turns off, controllers take no new work and finish what runs (bounded), the Lease is released
// so a standby takes over at once, then watches and servers close.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { ControllerDefinition, ControllerFactory } from '../controller/controller-definition.js';
import { ControllerRunner } from '../controller/controller-runner.js';
import type { Check } from '../http/health-checks.js';
import { type ListeningServer, startProbeServer } from '../http/probe-server.js';
import { InformerSet } from '../informer/informer-set.js';
import { ApiTransport } from '../kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../kube/kube-client.js';
import type { KubeConnection } from '../kube/kube-connection.js';
import { leases } from '../kube/resources.js';
import { processIdentity } from '../leader/identity.js';
import { type LeaderElectionTiming, LeaderElector } from '../leader/leader-elector.js';
import { createOperatorMetrics, type OperatorMetrics } from '../metrics/operator-metrics.js';
import type { OperatorService, ServiceContext } from './operator-service.js';

export interface Listen {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface OperatorOptions {
  connection: KubeConnection;
  /** The operator's own namespace: where the leader Lease lives. */
  namespace: string;
  /** Default: processIdentity() (pod name, else hostname-pid). */
  identity?: string;
  controllers?: Array<ControllerDefinition | ControllerFactory>;
  services?: OperatorService[];
  /** false: this process leads from the start (one replica only!). */
  leaderElection: false | { leaseName: string; timing?: Partial<LeaderElectionTiming> };
  /** /metrics; false: none. When equal to `health`, one server serves all endpoints. */
  metrics: Listen | false;
  /** /healthz and /readyz; false: none. */
  health: Listen | false;
  log: Logger;
  registry?: Registry;
  now?: () => Date;
  /** How long shutdown waits for running reconciles and services; default 30 s. */
  shutdownTimeoutMs?: number;
  /** Field manager of every write; default `agent-governor`. */
  fieldManager?: string;
}

export interface Operator {
  identity: string;
  /** `namespace/name` of the leader Lease, or undefined without leader election. */
  lease: string | undefined;
  controllers: string[];
  services: string[];
  metrics: OperatorMetrics;
  informers: InformerSet;
  /** Not bound to leadership: for setup and tests, never for reconciling. */
  client: KubeClient;
  metricsUrl: string | undefined;
  healthUrl: string | undefined;
  isLeader(): boolean;
  /** Graceful shutdown; safe to call twice. */
  stop(reason?: string): Promise<void>;
  /** Settles when the operator has stopped: asked to, or because a service failed (`failure`). */
  stopped: Promise<StopOutcome>;
}

export interface StopOutcome {
  reason: string;
  /** Set when a service failed and took the operator down (the process should exit non-zero). */
  failure?: Error;
}

export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const log = options.log;
  const now = options.now ?? (() => new Date());
  const identity = options.identity ?? processIdentity();
  const registry = options.registry ?? new Registry();
  const metrics = createOperatorMetrics(registry);
  const transport = new ApiTransport(options.connection);
  const client = createKubeClient(transport, { fieldManager: options.fieldManager ?? 'agent-governor' });
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  const informers = new InformerSet(transport, {
    log,
    onRestart: (resource, reason) => metrics.watchRestarts.inc({ resource, reason }),
  });

  const environment = { registry, log, now, identity, namespace: options.namespace };
  const runners = (options.controllers ?? []).map((controller) => {
    const definition = typeof controller === 'function' ? controller(environment) : controller;
    return new ControllerRunner(definition, { informers, client, metrics, log, identity, now });
  });
  const names = runners.map((runner) => runner.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`two controllers are named ${duplicate}; controller names must be unique`);

  const services = options.services ?? [];
  const shutdown = new AbortController();
  let failure: Error | undefined;
  let stop: (reason?: string) => Promise<void> = async () => {};
  const serviceRuns: Promise<void>[] = [];
  const runService = (service: OperatorService, signal: AbortSignal) => {
    const context: ServiceContext = {
      client: client.withSignal(signal),
      informers,
      log: log.child({ service: service.name }),
      registry,
      signal,
      isLeader: () => leading,
      now,
      identity,
      namespace: options.namespace,
    };
    const run = service.run(context).catch((err: unknown) => {
      // A service that cannot run (its port is taken, …) takes the operator down, so that the
      // process exits non-zero and is restarted rather than running half.
      const error = err instanceof Error ? err : new Error(String(err));
      log.error({ service: service.name, err: error.message }, `service ${service.name} failed`);
      failure ??= new Error(`service ${service.name} failed: ${error.message}`, { cause: error });
      void stop(failure.message);
    });
    serviceRuns.push(run);
  };

  let leading = false;
  const startedLeading = (term: AbortSignal) => {
    leading = true;
    metrics.leader.set(1);
    metrics.leaderTransitions.inc();
    for (const runner of runners) {
      runner.lead(term).catch((err: unknown) => {
        log.error(
          { controller: runner.name, err: (err as Error).message },
          `controller ${runner.name} could not start`,
        );
      });
    }
    for (const service of services) if (service.leaderOnly) runService(service, term);
  };
  const stoppedLeading = () => {
    leading = false;
    metrics.leader.set(0);
    // The term signal has fired: running reconciles' API calls are aborted; drop the queues.
    for (const runner of runners) void runner.stop(0);
  };

  let elector: LeaderElector | undefined;
  let soloTerm: AbortController | undefined;
  // The Lease is renewed over a connection of its own: a burst of controller writes queued on the
  // shared pool must never delay a renewal past the renew deadline (lost leadership restarts every
  // controller, which makes the next burst).
  let leaseTransport: ApiTransport | undefined;
  if (options.leaderElection) {
    const leaseName = options.leaderElection.leaseName;
    leaseTransport = new ApiTransport(options.connection, 'agent-governor-operator', 1);
    elector = new LeaderElector({
      client: createKubeClient(leaseTransport, { fieldManager: options.fieldManager ?? 'agent-governor' }),
      namespace: options.namespace,
      name: leaseName,
      identity,
      log,
      ...(options.leaderElection.timing ? { timing: options.leaderElection.timing } : {}),
      onStartedLeading: startedLeading,
      onStoppedLeading: stoppedLeading,
    });
    // Watching the Lease lets a standby try at once when the leader releases it.
    const nudge = elector.nudge.bind(elector);
    informers
      .informer({
        resource: leases,
        namespace: options.namespace,
        fieldSelector: `metadata.name=${leaseName}`,
      })
      .on({ add: nudge, update: nudge, delete: nudge });
  }

  let stopping = false;
  const healthChecks: Check[] = [{ name: 'ping', problem: () => undefined }];
  const readyChecks: Check[] = [
    {
      name: 'informers',
      problem: () => {
        const waiting = informers.unsynced();
        return waiting.length === 0 ? undefined : `waiting for the first list of ${waiting.join(', ')}`;
      },
    },
    { name: 'shutdown', problem: () => (stopping ? 'shutting down' : undefined) },
  ];

  const servers: ListeningServer[] = [];
  let metricsUrl: string | undefined;
  let healthUrl: string | undefined;
  try {
    const health = { healthz: healthChecks, readyz: readyChecks };
    if (options.metrics && options.health && sameAddress(options.metrics, options.health)) {
      const server = await startProbeServer(options.metrics.host, options.metrics.port, {
        health,
        metrics: registry,
      });
      servers.push(server);
      metricsUrl = healthUrl = server.url;
    } else {
      if (options.metrics) {
        const server = await startProbeServer(options.metrics.host, options.metrics.port, {
          metrics: registry,
        });
        servers.push(server);
        metricsUrl = server.url;
      }
      if (options.health) {
        const server = await startProbeServer(options.health.host, options.health.port, { health });
        servers.push(server);
        healthUrl = server.url;
      }
    }
  } catch (err) {
    await Promise.all(servers.map((server) => server.close()));
    await transport.close();
    await leaseTransport?.close();
    throw err;
  }

  informers.start();
  for (const service of services) if (!service.leaderOnly) runService(service, shutdown.signal);
  metrics.leader.set(0);
  if (elector) {
    elector.start();
  } else {
    soloTerm = new AbortController();
    startedLeading(soloTerm.signal);
  }

  let resolveStopped: (outcome: StopOutcome) => void = () => {};
  const stopped = new Promise<StopOutcome>((resolve) => {
    resolveStopped = resolve;
  });
  let stopRun: Promise<void> | undefined;
  stop = (reason = 'stop requested') => {
    stopRun ??= (async () => {
      stopping = true;
      log.info({ reason }, `shutting down (${reason})`);
      const unfinished = (await Promise.all(runners.map((runner) => runner.stop(shutdownTimeoutMs)))).flat();
      if (unfinished.length > 0) {
        log.warn(
          { keys: unfinished },
          `gave up waiting for ${unfinished.length} reconcile(s) after ${shutdownTimeoutMs} ms`,
        );
      }
      // Ends the term (aborting stragglers' API calls) and hands the Lease to a standby.
      if (elector) await elector.stop({ release: true });
      if (soloTerm) {
        soloTerm.abort(new Error('shutting down'));
        stoppedLeading();
      }
      shutdown.abort(new Error('shutting down'));
      await withTimeout(Promise.all(serviceRuns), shutdownTimeoutMs);
      await informers.stop();
      await Promise.all(servers.map((server) => server.close()));
      await transport.close();
      await leaseTransport?.close();
      log.info('stopped');
      resolveStopped(failure ? { reason, failure } : { reason });
    })();
    return stopRun;
  };

  return {
    identity,
    lease: options.leaderElection ? `${options.namespace}/${options.leaderElection.leaseName}` : undefined,
    controllers: names,
    services: services.map((service) => service.name),
    metrics,
    informers,
    client,
    metricsUrl,
    healthUrl,
    isLeader: () => leading,
    stop,
    stopped,
  };
}

function sameAddress(a: Listen, b: Listen): boolean {
  return a.host === b.host && a.port === b.port && a.port !== 0;
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
