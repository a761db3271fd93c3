// The operator's Prometheus metrics, all named governor_operator_*, on one registry that /metrics
// serves. Controllers add their own (budget and SLO gauges) to the same registry: it is handed to
// every controller factory (ControllerEnvironment.registry).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const metricPrefix = 'governor_operator_';

export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal';

export interface OperatorMetrics {
  registry: Registry;
  reconciles: Counter<'controller' | 'result'>;
  reconcileDuration: Histogram<'controller'>;
  reconcileErrors: Counter<'controller' | 'kind'>;
  queueDepth: Gauge<'controller'>;
  activeWorkers: Gauge<'controller'>;
  watchRestarts: Counter<'resource' | 'reason'>;
  leader: Gauge;
  leaderTransitions: Counter;
  events: Counter<'type' | 'reason' | 'outcome'>;
}

export interface OperatorMetricsOptions {
  /** Also collect the Node.js process metrics (memory, CPU, event-loop lag); default true. */
  processMetrics?: boolean;
}

export function createOperatorMetrics(
  registry: Registry = new Registry(),
  options: OperatorMetricsOptions = {},
): OperatorMetrics {
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: metricPrefix });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: `${metricPrefix}reconciles_total`,
      help: 'Reconciles by controller and result (success, requeue, error, terminal).',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: `${metricPrefix}reconcile_duration_seconds`,
      help: 'How long one reconcile took, by controller.',
      labelNames: ['controller'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    reconcileErrors: new Counter({
      name: `${metricPrefix}reconcile_errors_total`,
      help: 'Failed reconciles by controller; kind is retry (backed off and retried) or terminal (not retried).',
      labelNames: ['controller', 'kind'],
      registers,
    }),
    queueDepth: new Gauge({
      name: `${metricPrefix}queue_depth`,
      help: 'Keys waiting for a worker, by controller.',
      labelNames: ['controller'],
      registers,
    }),
    activeWorkers: new Gauge({
      name: `${metricPrefix}active_workers`,
      help: 'Reconciles running now, by controller.',
      labelNames: ['controller'],
      registers,
    }),
    watchRestarts: new Counter({
      name: `${metricPrefix}watch_restarts_total`,
      help: 'List/watch restarts by resource; reason is error (retried with backoff) or expired (410 Gone, relisted).',
      labelNames: ['resource', 'reason'],
      registers,
    }),
    leader: new Gauge({
      name: `${metricPrefix}leader`,
      help: '1 while this process holds the leader lease and runs the controllers, else 0.',
      registers,
    }),
    leaderTransitions: new Counter({
      name: `${metricPrefix}leader_transitions_total`,
      help: 'Times this process became leader.',
      registers,
    }),
    events: new Counter({
      name: `${metricPrefix}events_total`,
      help: 'Kubernetes Events recorded, by type, reason and outcome (created, aggregated, failed).',
      labelNames: ['type', 'reason', 'outcome'],
      registers,
    }),
  };
}
