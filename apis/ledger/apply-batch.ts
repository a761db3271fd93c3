import type { UsageBatch } from '../usage-batch.js';
import type { UsageLedgerSpec } from '../usage-ledger.js';
import { addToBuckets, bucketsOf, floorTo, indexBuckets, tierCuts } from './bucket-tiers.js';
import { recordCircuitReport } from './circuit-reports.js';
import { addExperimentLines } from './experiment-lines.js';
import { addToHours, settleHours } from './hourly-usage.js';
import { pruneInstances, recordedSequence, recordSequence } from './instance-sequences.js';
import { addObservedTargets } from './observed-targets.js';
import { addToPeriod, rollPeriod } from './tracked-periods.js';

const MINUTE = 60_000;

export interface AppliedBatch {
  /** The ledger with the batch recorded; the same object when the batch is a duplicate. */
  ledger: UsageLedgerSpec;
  /** True when (instance, sequence) was recorded before: nothing changed, acknowledge again. */
  duplicate: boolean;
  /** Highest sequence recorded for the batch's instance (the `UsageAck`). */
  acknowledgedSequence: number;
}

/**
 * Records a usage batch in an agent's ledger, as of `now`. Idempotent by (instance, sequence): a
 * batch at or below the instance's recorded sequence changes nothing. Each entry counts in the
 * ledger totals, in every tracked period its minute falls in (the current one, or the previous one
 * for a late batch), and in the latency / outcome bucket of its minute, and in the hourly usage of its use case and model. An entry dated after `now`
 * (a sidecar clock running ahead) counts in the minute of `now`. Buckets older than the retention
 * are not kept; their tokens still count in totals and periods. The ledger stays bounded.
 *
 * Throws when the batch belongs to another agent: the caller picked the wrong ledger.
 */
export function applyBatch(ledger: UsageLedgerSpec, batch: UsageBatch, now: Date): AppliedBatch {
  if (batch.agent.name !== ledger.agent) {
    throw new Error(
      `usage ledger of agent "${ledger.agent}": batch ${batch.instance}#${batch.sequence} is for agent ` +
        `"${batch.agent.name}"; record it in that agent's ledger`,
    );
  }
  const recorded = recordedSequence(ledger.instances, batch.instance);
  if (batch.sequence <= recorded) return { ledger, duplicate: true, acknowledgedSequence: recorded };

  const nowMs = now.getTime();
  const latestMinute = floorTo(nowMs, MINUTE);
  const cuts = tierCuts(nowMs);
  const buckets = indexBuckets(ledger.buckets, nowMs);
  const periods = ledger.periods.map((p) => structuredClone(rollPeriod(p, now)));
  const windows = periods
    .flatMap((p) => (p.previous ? [p.current, p.previous] : [p.current]))
    .map((period) => ({ period, start: Date.parse(period.start), end: Date.parse(period.end) }));
  const totals = { ...ledger.totals };
  const dated: { minute: number; entry: (typeof batch.entries)[number] }[] = [];

  for (const entry of batch.entries) {
    const minute = Math.min(floorTo(Date.parse(entry.minute), MINUTE), latestMinute);
    totals.requests += entry.requests;
    totals.inputTokens += entry.inputTokens;
    totals.outputTokens += entry.outputTokens;
    totals.cachedInputTokens += entry.cachedInputTokens;
    totals.estimatedTokens += entry.estimatedTokens;
    totals.costMicros += entry.costMicros;
    for (const { period, start, end } of windows) {
      if (minute >= start && minute < end) addToPeriod(period, entry);
    }
    addToBuckets(
      buckets,
      minute,
      { latency: entry.latencyBuckets, outcomes: entry.outcomes, shape: entry.shape },
      cuts,
    );
    dated.push({ minute, entry });
  }

  const observedTargets = addObservedTargets(ledger.observedTargets, batch.entries, latestMinute);
  const experimentLines = addExperimentLines(ledger.experimentLines, batch.entries, latestMinute);
  const hourlyUsage = addToHours(ledger.hourlyUsage, dated, nowMs);
  const { circuitReports: _previous, ...rest } = ledger;
  const circuitReports = recordCircuitReport(ledger.circuitReports, batch.instance, batch.circuits, now);
  return {
    ledger: {
      ...rest,
      ...(observedTargets === undefined ? {} : { observedTargets }),
      ...(hourlyUsage === undefined ? {} : { hourlyUsage }),
      ...(circuitReports === undefined ? {} : { circuitReports }),
      ...(experimentLines === undefined ? {} : { experimentLines }),
      updatedAt: now.toISOString(),
      totals,
      periods,
      buckets: bucketsOf(buckets),
      instances: recordSequence(ledger.instances, batch.instance, batch.sequence, now),
    },
    duplicate: false,
    acknowledgedSequence: batch.sequence,
  };
}

/**
 * The ledger as of `now` with nothing added: periods rolled over, buckets moved to their tier,
 * forgotten instances dropped. Readers call it (through `sumLedgers`) so a ledger last written days
 * ago reads right; writers get it for free from `applyBatch`.
 */
export function settleLedger(ledger: UsageLedgerSpec, now: Date): UsageLedgerSpec {
  const hourlyUsage = settleHours(ledger.hourlyUsage, now.getTime());
  return {
    ...ledger,
    ...(hourlyUsage === undefined ? {} : { hourlyUsage }),
    periods: ledger.periods.map((p) => rollPeriod(p, now)),
    buckets: bucketsOf(indexBuckets(ledger.buckets, now.getTime())),
    instances: pruneInstances(ledger.instances, now),
  };
}
