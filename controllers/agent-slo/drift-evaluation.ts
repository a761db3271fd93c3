import { sum } from '../../apis/drift/binned-counts.js';
import { type Span, signalBins, spanCounts } from '../../apis/drift/drift-signals.js';
import {
  type AgentDrift,
  DEFAULT_DRIFT_THRESHOLD,
  type DriftSignal,
  type DriftSpec,
  type DriftStatus,
  MAX_DRIFT_AGENTS,
} from '../../apis/drift/drift-spec.js';
import { kolmogorovSmirnov } from '../../apis/drift/ks.js';
import { populationStabilityIndex } from '../../apis/drift/psi.js';
import { parseDuration } from '../../apis/duration.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';

const MINUTE = 60_000;

export interface DriftScore {
  agent: string;
  signal: DriftSignal;
  /** Undefined while the window or the baseline has fewer than minSamples calls. */
  score?: number;
}

/** An agent that started drifting (DriftDetected) or stopped (DriftCleared) at this evaluation. */
export interface DriftTransition {
  agent: string;
  kind: 'DriftDetected' | 'DriftCleared';
  /** The signals drifting now (empty for DriftCleared), with their scores and thresholds. */
  drifting: { signal: DriftSignal; score: number; threshold: number }[];
}

export type DriftEvaluation =
  | {
      ok: true;
      status: DriftStatus;
      scores: DriftScore[];
      transitions: DriftTransition[];
      window: Span;
      baseline: Span;
    }
  | { ok: false; reason: string; message: string };

/**
 * The drift of each agent at `now` (docs/adr/0056-drift-against-a-baseline.md): for every signal of
 * `spec`, the bins of the window (the last `window` of whole minutes, the current partial minute
 * included) against those of the baseline, scored by the spec's statistic; a signal drifts when its
 * score reaches its threshold. `previous` (the last status) keeps `since` and tells transitions.
 * A spec that cannot be measured answers `ok: false` naming the field.
 */
export function evaluateDrift(
  spec: DriftSpec,
  ledgers: readonly { agent: string; ledger: UsageLedgerSpec }[],
  now: Date,
  previous: DriftStatus | undefined,
): DriftEvaluation {
  const spans = driftSpans(spec, now);
  if (!spans.ok) return spans;
  const thresholds = signalThresholds(spec);
  if (!thresholds.ok) return thresholds;
  const score = spec.statistic === 'KS' ? kolmogorovSmirnov : populationStabilityIndex;
  const before = new Map((previous?.agents ?? []).map((a) => [a.agent, a]));
  const scores: DriftScore[] = [];
  const transitions: DriftTransition[] = [];
  const agents: AgentDrift[] = [];
  for (const { agent, ledger } of [...ledgers].sort((a, b) => a.agent.localeCompare(b.agent))) {
    const current = spanCounts(ledger.buckets, spans.window);
    const base = spanCounts(ledger.buckets, spans.baseline);
    const drift: AgentDrift = { agent, scores: [], drifting: [] };
    const drifting: DriftTransition['drifting'] = [];
    for (const signal of spec.signals) {
      const a = signalBins(signal, current);
      const e = signalBins(signal, base);
      const windowSamples = sum(a);
      const baselineSamples = sum(e);
      const enough = windowSamples >= spec.minSamples && baselineSamples >= spec.minSamples;
      const value = enough ? score(e, a) : undefined;
      const rounded = value === undefined ? undefined : Math.round(value * 1000) / 1000;
      scores.push({ agent, signal, ...(rounded === undefined ? {} : { score: rounded }) });
      drift.scores.push({
        signal,
        ...(rounded === undefined ? {} : { score: rounded.toFixed(3) }),
        windowSamples,
        baselineSamples,
      });
      const limit = thresholds.of(signal);
      if (rounded !== undefined && rounded >= limit) {
        drift.drifting.push(signal);
        drifting.push({ signal, score: rounded, threshold: limit });
      }
    }
    const was = before.get(agent);
    const wasDrifting = (was?.drifting.length ?? 0) > 0;
    if (drifting.length > 0) {
      drift.since = wasDrifting && was?.since ? was.since : now.toISOString();
      if (!wasDrifting) transitions.push({ agent, kind: 'DriftDetected', drifting });
    } else if (wasDrifting) {
      transitions.push({ agent, kind: 'DriftCleared', drifting: [] });
    }
    agents.push(drift);
  }
  // Drifting agents first, so a cut at MAX_DRIFT_AGENTS never hides one.
  agents.sort((a, b) => Number(b.drifting.length > 0) - Number(a.drifting.length > 0));
  return {
    ok: true,
    status: { statistic: spec.statistic, agents: agents.slice(0, MAX_DRIFT_AGENTS) },
    scores,
    transitions,
    window: spans.window,
    baseline: spans.baseline,
  };
}

/** The window and the baseline at `now`, or the field that makes them impossible. */
export function driftSpans(
  spec: Pick<DriftSpec, 'window' | 'baseline'>,
  now: Date,
): { ok: true; window: Span; baseline: Span } | { ok: false; reason: string; message: string } {
  const windowMs = parseDuration(spec.window);
  if (!(windowMs >= MINUTE) || windowMs % MINUTE !== 0) {
    return {
      ok: false,
      reason: 'InvalidDriftWindow',
      message: `spec.drift.window: "${spec.window}" is not a whole number of minutes of at least 1m, e.g. 1h`,
    };
  }
  const nowMs = now.getTime();
  const windowStart = Math.floor(nowMs / MINUTE) * MINUTE - windowMs + MINUTE;
  const window = { start: windowStart, end: Number.POSITIVE_INFINITY };
  const { last, start, end } = spec.baseline;
  if (start !== undefined && end !== undefined) {
    const baseline = { start: Date.parse(start), end: Date.parse(end) };
    if (baseline.end > windowStart) {
      return {
        ok: false,
        reason: 'InvalidDriftBaseline',
        message:
          `spec.drift.baseline.end: ${end} is inside the window (it starts at ${new Date(windowStart).toISOString()}); ` +
          'a fixed baseline must end before the window begins',
      };
    }
    return { ok: true, window, baseline };
  }
  const lastMs = parseDuration(last ?? '7d');
  if (!(lastMs > 0)) {
    return {
      ok: false,
      reason: 'InvalidDriftBaseline',
      message: `spec.drift.baseline.last: "${last}" is not a span such as 7d`,
    };
  }
  return { ok: true, window, baseline: { start: windowStart - lastMs, end: windowStart } };
}

function signalThresholds(
  spec: Pick<DriftSpec, 'statistic' | 'threshold' | 'thresholds'>,
): { ok: true; of: (signal: DriftSignal) => number } | { ok: false; reason: string; message: string } {
  const general =
    spec.threshold === undefined ? DEFAULT_DRIFT_THRESHOLD[spec.statistic] : Number(spec.threshold);
  const per = new Map((spec.thresholds ?? []).map((t) => [t.signal, Number(t.threshold)]));
  const bad = [
    ...(Number.isFinite(general) && general > 0 ? [] : [`spec.drift.threshold: "${spec.threshold}"`]),
    ...[...per].filter(([, n]) => !(Number.isFinite(n) && n > 0)).map(([s]) => `spec.drift.thresholds[${s}]`),
  ];
  if (bad.length > 0) {
    return {
      ok: false,
      reason: 'InvalidDriftThreshold',
      message: `${bad.join(', ')}: a threshold must be a decimal above 0, e.g. 0.25`,
    };
  }
  return { ok: true, of: (signal) => per.get(signal) ?? general };
}
