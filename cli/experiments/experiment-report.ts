// What `agent-governor experiments` says about each experiment: per variant its calls, its error rate
// with a Wilson 95 % interval, its mean tokens, cost and latency per call with normal-approximation
// 95 % intervals, and the verdict of the stated decision rule against the control (the first
// variant). Pure: the numbers come from FallbackRoute status.experiment.
import type { FallbackRoute } from '../../apis/fallback-route.js';

/** z for a two-sided 95 % interval. */
const Z = 1.959963984540054;
/** Fewer calls than this in a variant (or in the control) and the rule says keep running. */
export const MIN_CALLS_PER_VARIANT = 30;

export const EXPERIMENT_METRICS = ['errors', 'tokens', 'cost', 'latency'] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

export const DECISION_RULE =
  'Decision rule: the first variant is the control. While any variant has fewer than ' +
  `${MIN_CALLS_PER_VARIANT} calls: keep running. A variant wins when its 95 % interval on the chosen ` +
  "metric lies entirely below the control's (lower is better for errors, tokens, cost and latency), " +
  'loses when it lies entirely above, and shows no difference yet while the two overlap. Promote a ' +
  'winner with one change to the FallbackRoute: its weight 100 and the others 0 (or remove the ' +
  "experiment); the loser's traffic drains with the next policy.";

export interface Interval {
  /** The estimate: a rate (0–1) or a mean per call. */
  value: number;
  low: number;
  high: number;
}

export type Verdict = 'control' | 'keep running' | 'wins' | 'loses' | 'no difference yet';

export interface VariantReport {
  name: string;
  weight?: number;
  calls: number;
  errors: number;
  errorRate?: Interval;
  tokens?: Interval;
  costMicros?: Interval;
  latencyMs?: Interval;
  verdict: Verdict;
}

export interface ExperimentReport {
  namespace: string;
  route: string;
  experiment: string;
  updatedAt?: string;
  metric: ExperimentMetric;
  variants: VariantReport[];
}

/** Wilson score interval of `successes` in `n` trials (here: errors in calls); undefined for n = 0. */
export function wilsonInterval(successes: number, n: number): Interval | undefined {
  if (n <= 0) return undefined;
  const p = successes / n;
  const z2 = Z * Z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { value: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * Normal-approximation interval of a mean from its sum and sum of squares over n observations (the
 * sample variance, n − 1); undefined for n = 0, a zero-width interval for n = 1.
 */
export function meanInterval(sum: number, squares: number, n: number): Interval | undefined {
  if (n <= 0) return undefined;
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (squares - (sum * sum) / n) / (n - 1)) : 0;
  const half = Z * Math.sqrt(variance / n);
  return { value: mean, low: Math.max(0, mean - half), high: mean + half };
}

/** The interval a verdict is judged on. */
function intervalOf(variant: VariantReport, metric: ExperimentMetric): Interval | undefined {
  if (metric === 'errors') return variant.errorRate;
  if (metric === 'tokens') return variant.tokens;
  if (metric === 'cost') return variant.costMicros;
  return variant.latencyMs;
}

/** The decision rule, for one variant against the control. */
export function verdictOf(variant: VariantReport, control: VariantReport, metric: ExperimentMetric): Verdict {
  if (variant === control) return 'control';
  if (variant.calls < MIN_CALLS_PER_VARIANT || control.calls < MIN_CALLS_PER_VARIANT) return 'keep running';
  const mine = intervalOf(variant, metric);
  const theirs = intervalOf(control, metric);
  if (!mine || !theirs) return 'keep running';
  if (mine.high < theirs.low) return 'wins';
  if (mine.low > theirs.high) return 'loses';
  return 'no difference yet';
}

/** The report of every route with an experiment in its spec, status numbers or zeros. */
export function experimentReports(
  routes: readonly FallbackRoute[],
  metric: ExperimentMetric = 'cost',
): ExperimentReport[] {
  const reports: ExperimentReport[] = [];
  for (const route of routes) {
    const spec = route.spec.experiment;
    if (!spec) continue;
    const status = route.status?.experiment?.name === spec.name ? route.status.experiment : undefined;
    const variants = spec.variants.map((v): VariantReport => {
      const n = status?.variants.find((s) => s.name === v.name);
      const calls = n?.calls ?? 0;
      const report: VariantReport = {
        name: v.name,
        weight: v.weight,
        calls,
        errors: n?.errors ?? 0,
        verdict: 'keep running',
      };
      const errorRate = wilsonInterval(report.errors, calls);
      const tokens = n && meanInterval(n.inputTokens + n.outputTokens, n.tokensSquares, calls);
      const cost = n && meanInterval(n.costMicros, n.costMicrosSquares, calls);
      const latency = n && meanInterval(n.latencyMs, n.latencyMsSquares, calls);
      if (errorRate) report.errorRate = errorRate;
      if (tokens) report.tokens = tokens;
      if (cost) report.costMicros = cost;
      if (latency) report.latencyMs = latency;
      return report;
    });
    const control = variants[0];
    if (control) for (const v of variants) v.verdict = verdictOf(v, control, metric);
    reports.push({
      namespace: route.metadata?.namespace ?? '',
      route: route.metadata?.name ?? '',
      experiment: spec.name,
      ...(status?.updatedAt ? { updatedAt: status.updatedAt } : {}),
      metric,
      variants,
    });
  }
  return reports.sort((a, b) => `${a.namespace}/${a.route}`.localeCompare(`${b.namespace}/${b.route}`));
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

function shown(interval: Interval | undefined, digits: number, scale = 1, suffix = ''): string {
  if (!interval) return '-';
  const f = (v: number) => fixed(v * scale, digits);
  return `${f(interval.value)}${suffix} [${f(interval.low)}–${f(interval.high)}]`;
}

/** The table `-o table` prints, one row per variant, then the decision rule. */
export function experimentTable(reports: readonly ExperimentReport[]): string {
  if (reports.length === 0) return `No FallbackRoute runs an experiment.\n\n${DECISION_RULE}\n`;
  const header = [
    'NAMESPACE',
    'ROUTE',
    'EXPERIMENT',
    'VARIANT',
    'WEIGHT',
    'CALLS',
    'ERROR RATE % [95%]',
    'TOKENS/CALL [95%]',
    'COST µ/CALL [95%]',
    'LATENCY ms [95%]',
    'VERDICT',
  ];
  const rows = reports.flatMap((r) =>
    r.variants.map((v) => [
      r.namespace,
      r.route,
      r.experiment,
      v.name,
      v.weight === undefined ? '-' : String(v.weight),
      String(v.calls),
      shown(v.errorRate, 1, 100),
      shown(v.tokens, 0),
      shown(v.costMicros, 0),
      shown(v.latencyMs, 0),
      v.verdict === 'wins' || v.verdict === 'loses' ? `${v.verdict} on ${r.metric}` : v.verdict,
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const metrics = [...new Set(reports.map((r) => r.metric))].join(', ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n\nVerdicts on ${metrics}. ${DECISION_RULE}\n`;
}

/** What `-o json` prints. */
export function experimentJson(reports: readonly ExperimentReport[]): string {
  return `${JSON.stringify({ decisionRule: DECISION_RULE, experiments: reports }, null, 2)}\n`;
}
