import { CALL_OUTCOMES } from '../usage-batch.js';
import { LATENCY_SLOTS, type UsageLedgerSpec } from '../usage-ledger.js';
import { TIER_WIDTH_MS, TIERS } from './bucket-tiers.js';

export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Calls of a ledger over a trailing window: latency histogram and outcomes. */
export interface WindowCounts {
  /** Calls per latency slot (LATENCY_BUCKETS_MS upper bounds, then overflow); not cumulative. */
  latency: number[];
  outcomes: Record<CallOutcome, number>;
  /** All calls, the sum of `outcomes`. */
  calls: number;
}

/**
 * The calls in the window of `windowMs` ending at `now`. A bucket counts when any part of it lies in
 * the window, so the window reaches back to the start of the bucket holding its first instant: at
 * most one minute more for windows up to 1h, five minutes up to 6h, one hour up to 3d, one day
 * beyond (LEDGER_RETENTION_DAYS is the limit).
 */
export function windowCounts(ledger: UsageLedgerSpec, windowMs: number, now: Date): WindowCounts {
  const from = now.getTime() - windowMs;
  const latency = new Array<number>(LATENCY_SLOTS).fill(0);
  const outcomes = Object.fromEntries(CALL_OUTCOMES.map((o) => [o, 0])) as Record<CallOutcome, number>;
  for (const tier of TIERS) {
    for (const bucket of ledger.buckets[tier]) {
      const start = Date.parse(bucket.start);
      if (start + TIER_WIDTH_MS[tier] <= from || start > now.getTime()) continue;
      for (let i = 0; i < LATENCY_SLOTS; i++) latency[i] = (latency[i] ?? 0) + (bucket.latency[i] ?? 0);
      for (const outcome of CALL_OUTCOMES) outcomes[outcome] += bucket.outcomes[outcome] ?? 0;
    }
  }
  const calls = CALL_OUTCOMES.reduce((sum, o) => sum + outcomes[o], 0);
  return { latency, outcomes, calls };
}
