import type { AgentSLOSpec } from '../../apis/agent-slo.js';
import { parseDuration } from '../../apis/duration.js';
import { API_VERSION } from '../../apis/group-version.js';
import { BURN_RATE_ALERTS, SLO_WINDOWS, type SLOWindow } from './burn-rate-alerts.js';
import { latencyBound } from './latency-threshold.js';

/**
 * Sidecar metric names (sidecar/telemetry/sidecar-metrics.ts; named here, never imported: the
 * operator shares only apis/ with the sidecar). `agent` is `<namespace>/<agent>`; `outcome` is one of
 * CALL_OUTCOMES; the duration histogram's `le` bounds are LATENCY_BUCKETS_MS in seconds.
 */
export const SIDECAR_REQUESTS = 'governor_sidecar_requests_total';
export const SIDECAR_DURATION = 'governor_sidecar_request_duration_seconds';

/** Recorded series: the share of bad calls over a window, per SLO and objective. */
export const ERROR_RATIO_RECORD = 'governor_slo:error_ratio';

/** Where the burn-rate alerts' runbook lives; the chart can point it at a copy of its own. */
export const DEFAULT_RUNBOOK_URL =
  'https://github.com/agent-governor/agent-governor/blob/main/docs/runbooks/agent-slo-burn-rate.md';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** A monitoring.coreos.com/v1 PrometheusRule. */
export interface PrometheusRule {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: 'AgentSLO';
      name: string;
      uid: string;
      controller: true;
      blockOwnerDeletion: true;
    }[];
  };
  spec: { groups: RuleGroup[] };
}

export interface SLORuleInput {
  slo: {
    metadata: { name: string; namespace: string; uid: string };
    spec: Pick<AgentSLOSpec, 'objectives' | 'prometheusRule'>;
  };
  /** Names of the agents the SLO selects now (the rules are regenerated when they change). */
  agents: readonly string[];
  runbookUrl?: string;
}

/**
 * The PrometheusRule of an AgentSLO, owned by it (deleted with it): recording rules for the bad-call
 * ratio of each objective over 5m … 3d from the sidecar metrics, and the four multiwindow,
 * multi-burn-rate alerts per objective (severity critical pages, warning tickets), with runbook
 * links. Label selectors cannot be evaluated in PromQL, so the rules name the selected agents.
 * Throws, naming the field, when the latency threshold is below the smallest histogram bound.
 */
export function prometheusRule(input: SLORuleInput): PrometheusRule {
  const { metadata } = input.slo;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: `${metadata.name}-slo`.slice(0, 253),
      namespace: metadata.namespace,
      labels: {
        ...(input.slo.spec.prometheusRule?.labels ?? {}),
        'app.kubernetes.io/managed-by': 'agent-governor',
        'governor.agents.dev/slo': metadata.name,
      },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'AgentSLO',
          name: metadata.name,
          uid: metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { groups: ruleGroups(input) },
  };
}

interface Objective {
  name: 'latency' | 'success';
  /** PromQL of the bad-call ratio over a window. */
  ratio: (window: SLOWindow) => string;
  /** 1 − target, as a decimal literal. */
  allowed: string;
  describe: string;
}

/** `spec.groups` of the PrometheusRule (also a valid Prometheus rule file as `{ groups }`). */
export function ruleGroups(input: SLORuleInput): RuleGroup[] {
  const { name, namespace } = input.slo.metadata;
  const { objectives: spec } = input.slo.spec;
  const agents = `agent=~"${agentPattern(namespace, input.agents)}"`;
  const objectives: Objective[] = [];
  if (spec.latency) {
    const bound = latencyBound(parseDuration(spec.latency.threshold));
    if (!bound.ok) throw new Error(bound.message);
    const le = leMatcher(bound.boundMs / 1000);
    objectives.push({
      name: 'latency',
      ratio: (w) =>
        `1 - (sum(rate(${SIDECAR_DURATION}_bucket{${agents},${le}}[${w}])) / ` +
        `sum(rate(${SIDECAR_DURATION}_count{${agents}}[${w}])))`,
      allowed: allowedShare(spec.latency.target),
      describe: `calls slower than ${spec.latency.threshold}`,
    });
  }
  if (spec.success) {
    const failures = (spec.success.countAsFailure ?? ['ServerError', 'Timeout']).join('|');
    objectives.push({
      name: 'success',
      ratio: (w) =>
        `(sum(rate(${SIDECAR_REQUESTS}{${agents},outcome=~"${failures}"}[${w}])) or vector(0)) / ` +
        `sum(rate(${SIDECAR_REQUESTS}{${agents}}[${w}]))`,
      allowed: allowedShare(spec.success.target),
      describe: `failed calls (${failures.replaceAll('|', ', ')})`,
    });
  }
  const sloLabels = { slo: name, slo_namespace: namespace };
  const recording: RecordingRule[] = objectives.flatMap((o) =>
    SLO_WINDOWS.map((w) => ({
      record: `${ERROR_RATIO_RECORD}:rate${w}`,
      expr: o.ratio(w),
      labels: { ...sloLabels, objective: o.name },
    })),
  );
  const runbook = input.runbookUrl ?? DEFAULT_RUNBOOK_URL;
  const alerting: AlertingRule[] = objectives.flatMap((o) =>
    BURN_RATE_ALERTS.map((a) => {
      const series = (w: SLOWindow) =>
        `${ERROR_RATIO_RECORD}:rate${w}{slo="${name}",slo_namespace="${namespace}",objective="${o.name}"}`;
      const alert = `AgentSLO${a.name}`;
      return {
        alert,
        expr: `${series(a.long)} > (${a.factor} * ${o.allowed}) and ${series(a.short)} > (${a.factor} * ${o.allowed})`,
        // `objective` keeps the latency and success alerts of one name apart (promtool lints duplicates).
        labels: { severity: a.severity, urgency: a.urgency, objective: o.name },
        annotations: {
          summary: `AgentSLO ${namespace}/${name}: the ${o.name} error budget burns ${a.factor}x too fast`,
          description:
            `The share of ${o.describe} has been above ${a.factor} times the budget (${o.allowed}) over both ` +
            `${a.long} and ${a.short}: ${a.meaning}. ` +
            (a.urgency === 'page' ? 'Act now.' : 'Look into it during working hours.'),
          runbook_url: `${runbook}#${alert.toLowerCase()}`,
        },
      };
    }),
  );
  // One group: rules of a group run in order at each evaluation, so the alerts read the ratios
  // recorded a moment before, never ones an interval old (separate groups run in no set order).
  return [{ name: `agent-governor.slo.${namespace}.${name}`, rules: [...recording, ...alerting] }];
}

/** `agents/(support|team\.bot)` as a PromQL string body: regex metacharacters escaped for RE2 and PromQL. */
function agentPattern(namespace: string, agents: readonly string[]): string {
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('\\', '\\\\');
  const names = [...new Set(agents)].sort().map(quote);
  return `${quote(namespace)}/(${names.join('|')})`;
}

/**
 * The `le` matcher of a bound in seconds. prom-client writes `le="1"`; Prometheus 3 normalises
 * classic-histogram bounds to `le="1.0"` when it scrapes, so whole numbers match either form.
 */
function leMatcher(seconds: number): string {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `le=~"${text}|${text}\\\\.0"` : `le="${text}"`;
}

/** 1 − target as an exact decimal: "99.5" → "0.005", "99.95" → "0.0005" (no float residue). */
export function allowedShare(target: string): string {
  const tenThousandths = Math.round(Number(target) * 10_000);
  return String((1_000_000 - tenThousandths) / 1_000_000);
}
