import { LATENCY_BUCKETS_MS } from '../../apis/usage-batch.js';

export type LatencyBound =
  | {
      ok: true;
      /** The histogram bound calls are judged against: the largest bound at or under the threshold. */
      boundMs: number;
      /** Slots 0..index are fast calls. */
      index: number;
      /** False when the threshold falls inside a bucket (the SLI is then conservative). */
      exact: boolean;
    }
  | { ok: false; message: string };

/**
 * The histogram bound a latency threshold is measured with. Sidecars report fixed buckets
 * (LATENCY_BUCKETS_MS), so a call is fast when it falls in a bucket whose upper bound is at or under
 * the threshold. A threshold inside a bucket is rounded down to the bound below it: calls in that
 * bucket may have been fast, but they count as slow, so the SLI never flatters
 * (docs/adr/0005-slo-math-on-ledger-buckets.md). Prometheus rules use the same bound (`le`), so both
 * agree. A threshold under the smallest bound cannot be measured at all.
 */
export function latencyBound(thresholdMs: number): LatencyBound {
  let index = -1;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (LATENCY_BUCKETS_MS[i]! <= thresholdMs) index = i;
  }
  if (index === -1) {
    return {
      ok: false,
      message:
        `spec.objectives.latency.threshold: ${formatMs(thresholdMs)} is below the smallest latency bucket ` +
        `sidecars report (${formatMs(LATENCY_BUCKETS_MS[0])}); use a threshold of ` +
        `${LATENCY_BUCKETS_MS.map(formatMs).join(', ')} or anything in between`,
    };
  }
  const boundMs = LATENCY_BUCKETS_MS[index]!;
  return { ok: true, boundMs, index, exact: boundMs === thresholdMs };
}

/** 870 → "870ms", 1000 → "1s", 1250 → "1.25s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(2))}s`;
}
