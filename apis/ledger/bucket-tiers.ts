import type { CallShape } from '../usage-batch.js';
import {
  type BucketShape,
  FIVE_MINUTE_TIER_MS,
  HOUR_TIER_MS,
  LATENCY_SLOTS,
  type LatencyBucket,
  LEDGER_RETENTION_DAYS,
  type LedgerBuckets,
  MINUTE_TIER_MS,
  type OutcomeCounts,
} from '../usage-ledger.js';
import { addShape, emptyShape } from './bucket-shapes.js';

/**
 * The ledger's latency / outcome buckets in tiers: one-minute buckets for the last hour, five-minute
 * buckets for the last 6 hours, hour buckets for the last 3 days and UTC-day buckets back to the
 * retention. Every instant belongs to exactly one tier, decided by `now`; as time passes a bucket
 * moves whole into the next coarser tier (each tier's start is aligned to the coarser width), so a
 * call is counted once and the ledger stays bounded.
 */
export type Tier = keyof LedgerBuckets;
export const TIERS: readonly Tier[] = ['minutes', 'fiveMinutes', 'hours', 'days'];

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const TIER_WIDTH_MS: Readonly<Record<Tier, number>> = {
  minutes: MINUTE,
  fiveMinutes: 5 * MINUTE,
  hours: HOUR,
  days: DAY,
};

/** The earliest bucket start each tier holds at `now` (epoch ms). */
export type TierCuts = Readonly<Record<Tier, number>>;

export function floorTo(ms: number, width: number): number {
  return Math.floor(ms / width) * width;
}

export function tierCuts(now: number): TierCuts {
  return {
    minutes: floorTo(now - MINUTE_TIER_MS, 5 * MINUTE),
    fiveMinutes: floorTo(now - FIVE_MINUTE_TIER_MS, HOUR),
    hours: floorTo(now - HOUR_TIER_MS, DAY),
    days: floorTo(now - LEDGER_RETENTION_DAYS * DAY, DAY),
  };
}

/** The tier an instant belongs to at these cuts; undefined when it is older than the retention. */
export function tierOf(ms: number, cuts: TierCuts): Tier | undefined {
  return TIERS.find((tier) => ms >= cuts[tier]);
}

export interface BucketCounts {
  latency: number[];
  outcomes: OutcomeCounts;
  /** Present once a call with a shape (a sidecar that reports drift) landed in the bucket. */
  shape?: BucketShape;
}

/** What one add brings to a bucket. */
export interface AddedCounts {
  latency: readonly number[];
  outcomes: OutcomeCounts;
  shape?: BucketShape | CallShape | undefined;
}

/** Buckets by tier and start (epoch ms), for adding many counts cheaply. */
export type BucketIndex = Record<Tier, Map<number, BucketCounts>>;

export function emptyBucketIndex(): BucketIndex {
  return { minutes: new Map(), fiveMinutes: new Map(), hours: new Map(), days: new Map() };
}

export function emptyCounts(): BucketCounts {
  return { latency: new Array<number>(LATENCY_SLOTS).fill(0), outcomes: {} };
}

/** Adds counts that started at `ms` into the bucket of its tier; false when beyond the retention. */
export function addToBuckets(index: BucketIndex, ms: number, counts: AddedCounts, cuts: TierCuts): boolean {
  const tier = tierOf(ms, cuts);
  if (!tier) return false;
  const start = floorTo(ms, TIER_WIDTH_MS[tier]);
  let bucket = index[tier].get(start);
  if (!bucket) {
    bucket = emptyCounts();
    index[tier].set(start, bucket);
  }
  addCounts(bucket, counts);
  return true;
}

export function addCounts(into: BucketCounts, counts: AddedCounts) {
  for (let i = 0; i < LATENCY_SLOTS; i++) into.latency[i] = (into.latency[i] ?? 0) + (counts.latency[i] ?? 0);
  addOutcomes(into.outcomes, counts.outcomes);
  if (counts.shape) into.shape = addShape(into.shape ?? emptyShape(), counts.shape);
}

export function addOutcomes(into: OutcomeCounts, add: OutcomeCounts): void {
  for (const [outcome, n] of Object.entries(add) as [keyof OutcomeCounts, number | undefined][]) {
    if (n) into[outcome] = (into[outcome] ?? 0) + n;
  }
}

/** Every bucket of `buckets`, each put in the tier it belongs to at `now` (merging as it moves). */
export function indexBuckets(buckets: LedgerBuckets, now: number): BucketIndex {
  const index = emptyBucketIndex();
  const cuts = tierCuts(now);
  for (const tier of TIERS) {
    for (const bucket of buckets[tier]) addToBuckets(index, Date.parse(bucket.start), bucket, cuts);
  }
  return index;
}

export function bucketsOf(index: BucketIndex): LedgerBuckets {
  const list = (tier: Tier): LatencyBucket[] =>
    [...index[tier].entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, counts]) => ({
        start: new Date(start).toISOString(),
        latency: counts.latency,
        outcomes: counts.outcomes,
        ...(counts.shape ? { shape: counts.shape } : {}),
      }));
  return {
    minutes: list('minutes'),
    fiveMinutes: list('fiveMinutes'),
    hours: list('hours'),
    days: list('days'),
  };
}
