// Usage history older than the RetentionPolicy keeps, cut out of one ledger (pure): time buckets
// that ended before the cutoff, hours of usage per use case that ended before it, a previous budget
// period that ended before it, observed targets not seen since. Totals since the ledger was created stay (they are one set of counters, no history),
// as do the current periods budgets count in and the sequences exactly-once ingest needs.
import { TIER_WIDTH_MS, TIERS } from '../../apis/ledger/bucket-tiers.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';

const HOUR = 3_600_000;

export interface PrunedLedger {
  ledger: UsageLedgerSpec;
  /** Buckets, hours, periods and observed targets removed. */
  removed: number;
}

export function pruneLedger(ledger: UsageLedgerSpec, cutoff: Date): PrunedLedger {
  const cut = cutoff.getTime();
  let removed = 0;
  const buckets = { ...ledger.buckets };
  for (const tier of TIERS) {
    const kept = ledger.buckets[tier].filter((b) => Date.parse(b.start) + TIER_WIDTH_MS[tier] > cut);
    removed += ledger.buckets[tier].length - kept.length;
    buckets[tier] = kept;
  }
  const periods = ledger.periods.map((p) => {
    if (!p.previous || Date.parse(p.previous.end) > cut) return p;
    removed++;
    const { previous: _previous, ...rest } = p;
    return rest;
  });
  const observedTargets = ledger.observedTargets?.filter((t) => Date.parse(t.lastSeen) >= cut);
  removed += (ledger.observedTargets?.length ?? 0) - (observedTargets?.length ?? 0);
  const hourlyUsage = ledger.hourlyUsage?.filter((h) => Date.parse(h.start) + HOUR > cut);
  removed += (ledger.hourlyUsage?.length ?? 0) - (hourlyUsage?.length ?? 0);
  if (removed === 0) return { ledger, removed };
  return {
    ledger: {
      ...ledger,
      buckets,
      periods,
      ...(observedTargets ? { observedTargets } : {}),
      ...(hourlyUsage ? { hourlyUsage } : {}),
    },
    removed,
  };
}
