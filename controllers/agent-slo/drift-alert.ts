import type { DriftStatistic } from '../../apis/drift/drift-spec.js';
import { API_VERSION } from '../../apis/group-version.js';
import type { DriftTransition } from './drift-evaluation.js';

/** One agent that started drifting, as the Event and the webhooks tell it. */
export interface DriftAlert {
  slo: { namespace: string; name: string };
  agent: string;
  statistic: DriftStatistic;
  drifting: DriftTransition['drifting'];
  window: string;
  /** `last 7d` or `start/end`. */
  baseline: string;
  since: string;
}

/** Unique per SLO, agent and drift episode: a receiver drops a repeat by it (`X-Governor-Alert-Id`). */
export function driftAlertId(alert: DriftAlert): string {
  return `${alert.slo.namespace}/${alert.slo.name}/drift/${alert.agent}/${alert.since}`;
}

/** One line a person reads first, in chat and in the Event. */
export function driftSummary(alert: DriftAlert): string {
  const signals = alert.drifting.map((d) => `${d.signal} ${d.score.toFixed(3)} ≥ ${d.threshold}`).join(', ');
  return (
    `Agent ${alert.agent} drifts from its baseline (${alert.baseline}) over the last ${alert.window}: ` +
    `${signals} (${alert.statistic}; AgentSLO ${alert.slo.namespace}/${alert.slo.name})`
  );
}

/** The request body for a webhook of the given format, as sent (and signed). */
export function driftAlertBody(alert: DriftAlert, format: 'Generic' | 'Slack'): string {
  if (format === 'Slack')
    return JSON.stringify({ text: `:chart_with_upwards_trend: ${driftSummary(alert)}` });
  return JSON.stringify({
    apiVersion: API_VERSION,
    kind: 'DriftAlert',
    id: driftAlertId(alert),
    slo: alert.slo,
    agent: alert.agent,
    statistic: alert.statistic,
    window: alert.window,
    baseline: alert.baseline,
    drifting: alert.drifting,
    since: alert.since,
  });
}
