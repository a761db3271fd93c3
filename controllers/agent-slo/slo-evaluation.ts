import type { AgentSLOSpec } from '../../apis/agent-slo.js';
import { parseDuration } from '../../apis/duration.js';
import { type WindowCounts, windowCounts } from '../../apis/ledger/window-counts.js';
import { LEDGER_RETENTION_DAYS, type UsageLedgerSpec } from '../../apis/usage-ledger.js';
import {
  type BurnRateAlert,
  fastBurnHolds,
  firingAlerts,
  SLO_WINDOWS,
  type SLOWindow,
  WINDOW_MS,
} from './burn-rate-alerts.js';
import { latencyAtPercentile, type ObservedLatency } from './latency-percentile.js';
import { latencyBound } from './latency-threshold.js';

const RETENTION_MS = LEDGER_RETENTION_DAYS * 86_400_000;

export interface ObjectiveResult {
  /** Target as a fraction, e.g. 0.995. */
  target: number;
  /** Calls over the SLO window. */
  calls: number;
  /** Bad calls (slow, or failed) over the SLO window. */
  bad: number;
  /** Share of good calls over the SLO window; undefined without calls. */
  goodRatio?: number;
  /** Share of the error budget left: 1 untouched, 0 spent, negative overspent. */
  budgetRemaining: number;
  /** Burn rate per window: bad share ÷ allowed bad share; 0 without calls. */
  burnRates: Record<SLOWindow, number>;
  /** Multiwindow burn-rate alerts that hold for this objective. */
  alerts: BurnRateAlert[];
}

export interface LatencyResult extends ObjectiveResult {
  /** The histogram bound calls are judged against. */
  boundMs: number;
  /** False when the threshold falls inside a bucket and was rounded down to `boundMs`. */
  exact: boolean;
  /** Latency at the target percentile over the SLO window. */
  observed?: ObservedLatency;
}

export type SLOEvaluation =
  | {
      ok: true;
      /** The window computed over; shorter than asked when the ledger does not reach back that far. */
      windowMs: number;
      windowClipped: boolean;
      latency?: LatencyResult;
      success?: ObjectiveResult;
      /** The objective with the least budget left decides. */
      errorBudgetRemaining: number;
      /** Highest burn rate of any objective per window. */
      burnRates: Record<SLOWindow, number>;
      fastBurn: boolean;
    }
  | { ok: false; reason: string; message: string };

/**
 * An AgentSLO evaluated on the (summed) ledger of its agents at `now`: the SLIs and error budget
 * over the SLO window, burn rates over 5m … 3d, the multiwindow alerts that hold, and fast burn
 * (with hysteresis: `wasFastBurning` is the last status' `fastBurn`). A spec that cannot be
 * measured answers `ok: false` with the field at fault.
 */
export function evaluateSLO(
  spec: Pick<AgentSLOSpec, 'window' | 'objectives'>,
  ledger: UsageLedgerSpec,
  now: Date,
  wasFastBurning: boolean,
): SLOEvaluation {
  const asked = parseDuration(spec.window);
  if (!(asked > 0)) {
    return {
      ok: false,
      reason: 'InvalidWindow',
      message: `spec.window: "${spec.window}" is not a window such as 28d`,
    };
  }
  const windowMs = Math.min(asked, RETENTION_MS);
  const overWindow = windowCounts(ledger, windowMs, now);
  const perWindow = Object.fromEntries(
    SLO_WINDOWS.map((w) => [w, windowCounts(ledger, WINDOW_MS[w], now)]),
  ) as Record<SLOWindow, WindowCounts>;

  let latency: LatencyResult | undefined;
  if (spec.objectives.latency) {
    const thresholdMs = parseDuration(spec.objectives.latency.threshold);
    const bound = latencyBound(thresholdMs);
    if (!bound.ok) return { ok: false, reason: 'ThresholdNotMeasurable', message: bound.message };
    const target = Number(spec.objectives.latency.target) / 100;
    const slow = (c: WindowCounts) => c.latency.slice(bound.index + 1).reduce((s, n) => s + n, 0);
    const calls = (c: WindowCounts) => c.latency.reduce((s, n) => s + n, 0);
    const observed = latencyAtPercentile(overWindow.latency, target * 100);
    latency = {
      ...objective(target, overWindow, perWindow, slow, calls),
      boundMs: bound.boundMs,
      exact: bound.exact,
      ...(observed ? { observed } : {}),
    };
  }

  let success: ObjectiveResult | undefined;
  if (spec.objectives.success) {
    const failures = spec.objectives.success.countAsFailure ?? ['ServerError', 'Timeout'];
    const target = Number(spec.objectives.success.target) / 100;
    const failed = (c: WindowCounts) => failures.reduce((s, o) => s + c.outcomes[o], 0);
    success = objective(target, overWindow, perWindow, failed, (c) => c.calls);
  }

  const results = [latency, success].filter((r): r is ObjectiveResult => r !== undefined);
  const burnRates = Object.fromEntries(
    SLO_WINDOWS.map((w) => [w, Math.max(0, ...results.map((r) => r.burnRates[w]))]),
  ) as Record<SLOWindow, number>;
  // Each objective is judged on its own windows: a slow long window of one objective and a failing
  // short window of the other do not make a fast burn together.
  const fastBurn = results.some((r) => fastBurnHolds(wasFastBurning, r.burnRates));
  return {
    ok: true,
    windowMs,
    windowClipped: windowMs < asked,
    ...(latency ? { latency } : {}),
    ...(success ? { success } : {}),
    errorBudgetRemaining: Math.min(...results.map((r) => r.budgetRemaining)),
    burnRates,
    fastBurn,
  };
}

function objective(
  target: number,
  overWindow: WindowCounts,
  perWindow: Record<SLOWindow, WindowCounts>,
  badOf: (c: WindowCounts) => number,
  callsOf: (c: WindowCounts) => number,
): ObjectiveResult {
  const allowed = 1 - target;
  const calls = callsOf(overWindow);
  const bad = badOf(overWindow);
  const badRatio = calls > 0 ? bad / calls : 0;
  const burnRates = Object.fromEntries(
    SLO_WINDOWS.map((w) => {
      const n = callsOf(perWindow[w]);
      return [w, n > 0 ? badOf(perWindow[w]) / n / allowed : 0];
    }),
  ) as Record<SLOWindow, number>;
  return {
    target,
    calls,
    bad,
    ...(calls > 0 ? { goodRatio: 1 - badRatio } : {}),
    budgetRemaining: 1 - badRatio / allowed,
    burnRates,
    alerts: firingAlerts(burnRates),
  };
}
