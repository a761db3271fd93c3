// Starting the operator process, and what callers (the CLI, tests, benchmarks) get back: the
// options and the running operator's face. The process itself is the Manager (manager.ts).
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ControllerDefinition, ControllerFactory } from '../controller/controller-definition.js';
import type { InformerSet, InformerSetOptions } from '../informer/informer-set.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeConnection } from '../kube/kube-connection.js';
import type { OperatorMetrics } from '../metrics/operator-metrics.js';
import type { LeaderElection } from './leadership.js';
import { Manager } from './manager.js';
import type { OperatorService } from './operator-service.js';
import type { Listen } from './probe-endpoints.js';

export type { Listen } from './probe-endpoints.js';

export interface OperatorOptions {
  connection: KubeConnection;
  /** The operator's own namespace: where the leader Lease lives. */
  namespace: string;
  /** Default: processIdentity() (pod name, else hostname-pid). */
  identity?: string;
  controllers?: Array<ControllerDefinition | ControllerFactory>;
  services?: OperatorService[];
  /** false: this process leads from the start (one replica only!). */
  leaderElection: LeaderElection;
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
  /** Resources the informers list and watch from elsewhere than the API server (InformerSetOptions.sources). */
  informerSources?: InformerSetOptions['sources'];
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

/** Starts the operator (the Manager): listens, starts informers and services, competes for the Lease. */
export function startOperator(options: OperatorOptions): Promise<Operator> {
  return Manager.start(options);
}
