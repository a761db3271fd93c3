// The SLO gauges on the operator's /metrics registry: error budget left (a ratio, 1 untouched) and
// burn rate by window, by namespace and name.
import { Gauge, type Registry } from 'prom-client';
import { BURN_RATE_WINDOWS } from '../../apis/agent-slo.js';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';

export interface SLOMetrics {
  observe(key: ObjectKey, values: { errorBudgetRemaining: number; burnRates: Record<string, number> }): void;
  /** Whether SwitchToFallback is in force for the SLO's agents now. */
  fallback(key: ObjectKey, switched: boolean): void;
  forget(key: ObjectKey): void;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export function sloMetrics(registry: Registry): SLOMetrics {
  const remaining = gauge(
    registry,
    'governor_operator_slo_error_budget_remaining',
    'Share of an AgentSLO error budget left over its window: 1 untouched, 0 spent, negative overspent.',
    ['namespace', 'name'],
  );
  const burn = gauge(
    registry,
    'governor_operator_slo_burn_rate',
    'Error budget burn rate of an AgentSLO over a window (1 = exactly on budget).',
    ['namespace', 'name', 'window'],
  );
  const switched = gauge(
    registry,
    'governor_operator_slo_fallback_active',
    "1 while an AgentSLO's SwitchToFallback is in force (its agents' calls go to the next route target), else 0.",
    ['namespace', 'name'],
  );
  return {
    fallback(key, active) {
      switched.set({ namespace: key.namespace ?? '', name: key.name }, active ? 1 : 0);
    },
    observe(key, values) {
      const labels = { namespace: key.namespace ?? '', name: key.name };
      remaining.set(labels, values.errorBudgetRemaining);
      for (const window of BURN_RATE_WINDOWS) burn.set({ ...labels, window }, values.burnRates[window] ?? 0);
    },
    forget(key) {
      const labels = { namespace: key.namespace ?? '', name: key.name };
      remaining.remove(labels);
      switched.remove(labels);
      for (const window of BURN_RATE_WINDOWS) burn.remove({ ...labels, window });
    },
  };
}
