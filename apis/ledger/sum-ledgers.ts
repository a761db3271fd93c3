import type { TrackedPeriod, UsageLedgerSpec } from '../usage-ledger.js';
import { addToBuckets, bucketsOf, emptyBucketIndex, TIERS, tierCuts } from './bucket-tiers.js';
import { emptyLedger } from './ledger-name.js';
import { addLineCounts, emptyLine, lineKey, periodKey, rollPeriod } from './tracked-periods.js';

/** `agent` of a summed ledger: it speaks for several agents. */
export const SUMMED_AGENTS = '*';

/**
 * The usage of several agents as one ledger, as of `now` (a budget or an SLO selecting many agents
 * reads this). Totals, period lines (by model, use case and currency) and buckets add up; a period counts
 * from the latest `trackedSince` of the ledgers that track it. The sum is for reading: it is not
 * bounded like a stored ledger and has no instances.
 */
export function sumLedgers(ledgers: readonly UsageLedgerSpec[], now: Date): UsageLedgerSpec {
  const sum = emptyLedger(ledgers.length === 1 && ledgers[0] ? ledgers[0].agent : SUMMED_AGENTS);
  const cuts = tierCuts(now.getTime());
  const buckets = emptyBucketIndex();
  const periods = new Map<string, TrackedPeriod>();
  for (const ledger of ledgers) {
    for (const key of Object.keys(sum.totals) as (keyof typeof sum.totals)[])
      sum.totals[key] += ledger.totals[key];
    if (ledger.updatedAt && (!sum.updatedAt || ledger.updatedAt > sum.updatedAt))
      sum.updatedAt = ledger.updatedAt;
    for (const tier of TIERS) {
      for (const bucket of ledger.buckets[tier])
        addToBuckets(buckets, Date.parse(bucket.start), bucket, cuts);
    }
    for (const found of ledger.periods) {
      const tracked = rollPeriod(found, now);
      const key = periodKey({ reset: tracked.reset, timeZone: tracked.timeZone, schedule: tracked.schedule });
      const into = periods.get(key);
      periods.set(key, into ? mergePeriods(into, tracked) : structuredClone(tracked));
    }
  }
  sum.buckets = bucketsOf(buckets);
  sum.periods = [...periods.values()];
  return sum;
}

/** `a` with the usage of `b` added (mutates and returns `a`); periods that differ keep `a`'s. */
function mergePeriods(a: TrackedPeriod, b: TrackedPeriod): TrackedPeriod {
  for (const which of ['current', 'previous'] as const) {
    const into = a[which];
    const from = b[which];
    if (!into || !from || into.start !== from.start) continue;
    for (const line of from.lines) {
      const key = lineKey(line);
      let target = into.lines.find((l) => lineKey(l) === key);
      if (!target) {
        target = emptyLine(line);
        into.lines.push(target);
      }
      addLineCounts(target, line);
    }
  }
  if (b.trackedSince && (!a.trackedSince || b.trackedSince > a.trackedSince)) a.trackedSince = b.trackedSince;
  if (b.lastWanted > a.lastWanted) a.lastWanted = b.lastWanted;
  return a;
}
