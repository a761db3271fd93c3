// The drift gauge on the operator's /metrics registry: governor_agent_drift_score{agent, signal,
// statistic}, the agent as namespace/name (as the sidecar metrics label it), one series per scored
// signal of each agent an AgentSLO with spec.drift selects. A signal without a score (too few calls)
// has no series. Two SLOs scoring the same agent and signal with one statistic share a series.
import { Gauge, type Registry } from 'prom-client';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';
import type { DriftScore } from './drift-evaluation.js';

export interface DriftMetrics {
  observe(key: ObjectKey, statistic: string, scores: readonly DriftScore[]): void;
  forget(key: ObjectKey): void;
}

type Labels = { agent: string; signal: string; statistic: string };

export function driftMetrics(registry: Registry): DriftMetrics {
  const name = 'governor_agent_drift_score';
  const gauge =
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({
      name,
      help: "Drift of an agent's calls from its baseline, per signal, by the AgentSLO's statistic (PSI or KS).",
      labelNames: ['agent', 'signal', 'statistic'],
      registers: [registry],
    });
  const series = new Map<string, Labels[]>();
  const id = (key: ObjectKey) => `${key.namespace ?? ''}/${key.name}`;
  const forget = (key: ObjectKey) => {
    for (const labels of series.get(id(key)) ?? []) gauge.remove(labels);
    series.delete(id(key));
  };
  return {
    observe(key, statistic, scores) {
      forget(key);
      const set: Labels[] = [];
      for (const s of scores) {
        if (s.score === undefined) continue;
        const labels = { agent: `${key.namespace ?? ''}/${s.agent}`, signal: s.signal, statistic };
        gauge.set(labels, s.score);
        set.push(labels);
      }
      series.set(id(key), set);
    },
    forget,
  };
}
