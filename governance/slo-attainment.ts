// SLO attainment per UTC day, from usage ledgers (pure): for each day with calls, the share of fast
// calls and of successful ones against the AgentSLO's targets. Latency is judged at the largest
// histogram bound at or under the threshold, and the same outcomes count as failures as in the
// AgentSLO controller, so a day the report calls missed is one the SLO's error budget paid for.
import type { AgentSLOSpec } from '../apis/agent-slo.js';
import { parseDuration } from '../apis/duration.js';
import { CALL_OUTCOMES, LATENCY_BUCKETS_MS } from '../apis/usage-batch.js';
import type { UsageLedgerSpec } from '../apis/usage-ledger.js';

export interface DayAttainment {
  /** `2026-03-02`. */
  day: string;
  calls: number;
  /** Share of calls within the latency threshold, 0..1, when the SLO has a latency objective. */
  fast?: number;
  /** Share of successful calls, 0..1, when the SLO has a success objective. */
  succeeded?: number;
  met: boolean;
}

const DAY_MS = 86_400_000;

export function sloAttainmentByDay(
  spec: Pick<AgentSLOSpec, 'objectives'>,
  ledgers: readonly UsageLedgerSpec[],
  range: { since?: Date | undefined; until: Date },
): DayAttainment[] {
  const days = new Map<number, { latency: number[]; outcomes: Record<string, number> }>();
  for (const ledger of ledgers) {
    for (const tier of ['minutes', 'fiveMinutes', 'hours', 'days'] as const) {
      for (const bucket of ledger.buckets[tier]) {
        const start = Date.parse(bucket.start);
        if (start > range.until.getTime() || (range.since && start < range.since.getTime() - DAY_MS))
          continue;
        const day = Math.floor(start / DAY_MS) * DAY_MS;
        if (range.since && day + DAY_MS <= range.since.getTime()) continue;
        const sums = days.get(day) ?? {
          latency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
          outcomes: {} as Record<string, number>,
        };
        bucket.latency.forEach((n, i) => {
          sums.latency[i] = (sums.latency[i] ?? 0) + n;
        });
        for (const outcome of CALL_OUTCOMES) {
          sums.outcomes[outcome] = (sums.outcomes[outcome] ?? 0) + (bucket.outcomes[outcome] ?? 0);
        }
        days.set(day, sums);
      }
    }
  }
  const threshold = spec.objectives.latency ? parseDuration(spec.objectives.latency.threshold) : undefined;
  let fastSlots = -1;
  if (threshold !== undefined) {
    LATENCY_BUCKETS_MS.forEach((bound, i) => {
      if (bound <= threshold) fastSlots = i;
    });
  }
  const failures = spec.objectives.success?.countAsFailure ?? ['ServerError', 'Timeout'];
  return [...days]
    .sort(([a], [b]) => a - b)
    .map(([day, sums]) => {
      const calls = Object.values(sums.outcomes).reduce((s, n) => s + n, 0);
      const timed = sums.latency.reduce((s, n) => s + n, 0);
      const result: DayAttainment = { day: new Date(day).toISOString().slice(0, 10), calls, met: true };
      if (spec.objectives.latency && timed > 0) {
        result.fast =
          fastSlots < 0 ? 0 : sums.latency.slice(0, fastSlots + 1).reduce((s, n) => s + n, 0) / timed;
        if (result.fast < Number(spec.objectives.latency.target) / 100) result.met = false;
      }
      if (spec.objectives.success && calls > 0) {
        result.succeeded = 1 - failures.reduce((s, o) => s + (sums.outcomes[o] ?? 0), 0) / calls;
        if (result.succeeded < Number(spec.objectives.success.target) / 100) result.met = false;
      }
      return result;
    })
    .filter((d) => d.calls > 0);
}
