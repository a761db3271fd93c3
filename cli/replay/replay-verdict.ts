import { REPLAY_SUMMARY_VERSION, type ReplaySummary } from '../../apis/replay-summary.js';
import type { SimilarityMethod } from './answer-similarity.js';
import { nearestRank } from './latency-percentile.js';

/** What one target answered to one case (`status` 0: no HTTP answer at all). */
export interface Reply {
  status: number;
  /** Why the call failed: the transport error, or the start of a non-2xx answer. */
  error?: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Cost at the answering model's price, in micro-units of `currency`; absent when the model has no price. */
  costMicros?: number;
  currency?: string;
  /** The sidecar's `x-governor-cache` header: `hit`, `miss`, `bypass`. */
  cache?: string;
  /** The sidecar's `x-governor-trace-id` header. */
  traceId?: string;
  /** The model that answered, as the answer says. */
  model?: string;
  /** The answer's text. */
  text?: string;
}

/** One case replayed: the candidate's reply, the baseline's when there is one, and the comparison. */
export interface CaseResult {
  id: string;
  api: string;
  candidate: Reply;
  baseline?: Reply;
  /** Where the reference answer came from; absent when there was none to compare with. */
  reference?: 'baseline' | 'corpus';
  similarity?: number;
  /** Why similarity was not measured, when it was not. */
  similarityNote?: string;
}

export interface Thresholds {
  minPassRate: number;
  maxP95Ms?: number;
  maxTokensPerCase?: number;
  minSimilarity?: number;
}

export interface JudgedCase extends CaseResult {
  passed: boolean;
  /** Why the case failed, one reason a check; empty when it passed. */
  why: string[];
}

/** Latency, tokens, cost, cache and errors of one target over all cases. */
export interface TargetAggregate {
  p50Ms: number;
  p95Ms: number;
  tokensPerCase: number;
  costPerCase?: number;
  currency?: string;
  cacheHits: number;
  errors: number;
}

export interface ReplayReport {
  similarityMethod: SimilarityMethod;
  thresholds: Thresholds;
  cases: JudgedCase[];
  candidate: TargetAggregate;
  baseline?: TargetAggregate;
  summary: ReplaySummary;
}

const ok = (r: Reply) => r.status >= 200 && r.status < 300;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Whether one case passed: a 2xx answer, its tokens within the cap, its similarity at least the minimum. Pure. */
export function judgeCase(result: CaseResult, thresholds: Thresholds): JudgedCase {
  const why: string[] = [];
  const c = result.candidate;
  if (!ok(c)) why.push(c.status === 0 ? `no answer: ${c.error ?? 'unknown'}` : `status ${c.status}`);
  const tokens = c.inputTokens + c.outputTokens;
  if (ok(c) && thresholds.maxTokensPerCase !== undefined && tokens > thresholds.maxTokensPerCase)
    why.push(`tokens ${tokens} > ${thresholds.maxTokensPerCase}`);
  if (ok(c) && thresholds.minSimilarity !== undefined && result.reference !== undefined) {
    if (result.similarity === undefined)
      why.push(`similarity not measured: ${result.similarityNote ?? 'unknown'}`);
    else if (result.similarity < thresholds.minSimilarity)
      why.push(`similarity ${round(result.similarity)} < ${thresholds.minSimilarity}`);
  }
  return { ...result, passed: why.length === 0, why };
}

/** Latency percentiles, mean tokens and cost, cache hits and errors of one target's replies. Pure. */
export function aggregate(replies: readonly Reply[]): TargetAggregate {
  const n = replies.length;
  const latencies = replies.filter((r) => r.status !== 0).map((r) => r.latencyMs);
  const out: TargetAggregate = {
    p50Ms: round(nearestRank(latencies, 50), 1),
    p95Ms: round(nearestRank(latencies, 95), 1),
    tokensPerCase:
      n === 0 ? 0 : round(replies.reduce((s, r) => s + r.inputTokens + r.outputTokens, 0) / n, 1),
    cacheHits: replies.filter((r) => r.cache === 'hit').length,
    errors: replies.filter((r) => !ok(r)).length,
  };
  // A mean cost only when every answered case was priced, in one currency: never a partial sum.
  const answered = replies.filter(ok);
  const currencies = new Set(answered.map((r) => r.currency));
  if (answered.length > 0 && answered.every((r) => r.costMicros !== undefined) && currencies.size === 1) {
    out.costPerCase = round(answered.reduce((s, r) => s + (r.costMicros as number), 0) / n / 1_000_000, 6);
    out.currency = [...currencies][0] as string;
  }
  return out;
}

/**
 * The report of a replay: each case judged, each target aggregated, and the summary the evaluation
 * gate reads, whose verdict fails on a pass rate under the minimum or a p95 latency over the
 * maximum. Pure.
 */
export function replayReport(
  results: readonly CaseResult[],
  thresholds: Thresholds,
  similarityMethod: SimilarityMethod,
): ReplayReport {
  const cases = results.map((r) => judgeCase(r, thresholds));
  const candidate = aggregate(cases.map((c) => c.candidate));
  const baselines = cases.flatMap((c) => (c.baseline ? [c.baseline] : []));
  const passed = cases.filter((c) => c.passed).length;
  const passRate = cases.length === 0 ? 0 : passed / cases.length;
  const failed: string[] = [];
  if (passRate < thresholds.minPassRate)
    failed.push(
      `passRate ${round(passRate)} < ${thresholds.minPassRate} (${passed} of ${cases.length} cases passed)`,
    );
  if (thresholds.maxP95Ms !== undefined && candidate.p95Ms > thresholds.maxP95Ms)
    failed.push(`p95Ms ${candidate.p95Ms} > ${thresholds.maxP95Ms}`);
  const measured = cases.flatMap((c) => (c.similarity === undefined ? [] : [c.similarity]));
  // A minimum similarity nothing could be compared with is not met by default.
  if (thresholds.minSimilarity !== undefined && cases.length > 0 && measured.length === 0)
    failed.push(
      'similarity not measured: no case had an answer to compare with (corpus answers or --baseline)',
    );
  const summary: ReplaySummary = {
    v: REPLAY_SUMMARY_VERSION,
    cases: cases.length,
    passed,
    passRate: round(passRate, 4),
    p50Ms: candidate.p50Ms,
    p95Ms: candidate.p95Ms,
    tokensPerCase: candidate.tokensPerCase,
    errors: candidate.errors,
    verdict: failed.length === 0 ? 'Pass' : 'Fail',
    failed,
  };
  if (candidate.costPerCase !== undefined && candidate.currency !== undefined) {
    summary.costPerCase = candidate.costPerCase;
    summary.currency = candidate.currency;
  }
  if (measured.length > 0)
    summary.similarity = round(measured.reduce((s, x) => s + x, 0) / measured.length, 4);
  const report: ReplayReport = { similarityMethod, thresholds, cases, candidate, summary };
  if (baselines.length > 0) report.baseline = aggregate(baselines);
  return report;
}
