// The budget gauges on the operator's /metrics registry, by namespace and name. The phase gauge is
// one series per phase (1 for the current one), the usual Prometheus enum pattern.
import { Gauge, type Registry } from 'prom-client';
import { BUDGET_PHASES } from '../../apis/token-budget.js';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';
import type { UnpricedUsage } from './budget-usage.js';

export interface BudgetMetrics {
  observe(
    key: ObjectKey,
    values: {
      tokens: number;
      percent: number;
      phase: (typeof BUDGET_PHASES)[number];
      /** The end-of-period forecast in percent; absent too early in the period. */
      forecastPercent?: number | undefined;
      /** Calls the budget could not price this period, by model and reason. */
      unpriced?: readonly Pick<UnpricedUsage, 'model' | 'reason' | 'calls'>[];
    },
  ): void;
  forget(key: ObjectKey): void;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export function budgetMetrics(registry: Registry): BudgetMetrics {
  const used = gauge(
    registry,
    'governor_operator_budget_used_tokens',
    'Tokens a TokenBudget counted this period.',
    ['namespace', 'name'],
  );
  const percent = gauge(
    registry,
    'governor_operator_budget_percent',
    'Usage of a TokenBudget as a percentage of its tightest limit.',
    ['namespace', 'name'],
  );
  const forecast = gauge(
    registry,
    'governor_operator_budget_forecast_percent',
    'Projected usage of a TokenBudget at the end of its period, as a percentage of its tightest limit.',
    ['namespace', 'name'],
  );
  const phase = gauge(
    registry,
    'governor_operator_budget_phase',
    'Phase of a TokenBudget: 1 for the current phase.',
    ['namespace', 'name', 'phase'],
  );
  const unpriced = gauge(
    registry,
    'governor_operator_budget_unpriced_calls',
    'Calls this period a TokenBudget with a cost limit could not price in its currency, by model and reason ' +
      '(UnpricedModel, UnconvertibleCurrency); counted by its unpricedModels rule.',
    ['namespace', 'name', 'model', 'reason'],
  );
  /** The unpriced series each budget has, so a model gone from the period leaves /metrics. */
  const unpricedSeries = new Map<string, Set<string>>();
  const budgetId = (key: ObjectKey) => `${key.namespace ?? ''}/${key.name}`;
  const dropUnpriced = (key: ObjectKey, keep: ReadonlySet<string>) => {
    for (const series of unpricedSeries.get(budgetId(key)) ?? []) {
      if (keep.has(series)) continue;
      const [model = '', reason = ''] = series.split('\u0000');
      unpriced.remove({ namespace: key.namespace ?? '', name: key.name, model, reason });
    }
  };
  return {
    observe(key, values) {
      const labels = { namespace: key.namespace ?? '', name: key.name };
      used.set(labels, values.tokens);
      percent.set(labels, values.percent);
      if (values.forecastPercent !== undefined) forecast.set(labels, values.forecastPercent);
      else forecast.remove(labels);
      for (const p of BUDGET_PHASES) phase.set({ ...labels, phase: p }, p === values.phase ? 1 : 0);
      const now = new Set<string>();
      for (const u of values.unpriced ?? []) {
        now.add(`${u.model}\u0000${u.reason}`);
        unpriced.set({ ...labels, model: u.model, reason: u.reason }, u.calls);
      }
      dropUnpriced(key, now);
      unpricedSeries.set(budgetId(key), now);
    },
    forget(key) {
      const labels = { namespace: key.namespace ?? '', name: key.name };
      used.remove(labels);
      percent.remove(labels);
      forecast.remove(labels);
      for (const p of BUDGET_PHASES) phase.remove({ ...labels, phase: p });
      dropUnpriced(key, new Set());
      unpricedSeries.delete(budgetId(key));
    },
  };
}
