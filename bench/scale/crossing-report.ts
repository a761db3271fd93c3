// The two numbers a budget crossing is judged by (pure): how long until every holder of a long-poll
// held the new phase, and how far usage went past the limit against the bound the design states
// (sidecar/budget/README.md, "The guarantee, and its bound with several sidecars").
import { summarize } from '../sidecar-overhead/latency-summary.js';

export interface CrossingDelays {
  holders: number;
  /** Holders that never held the phase within the wait. */
  missed: number;
  /** The first holder's delay: about when the replicas began answering (the spread after it is their writing and the holders' reading). */
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Delays from `crossedAt` (the usage past the threshold acknowledged, so in the store) to each
 * holder's first policy in the new phase; `undefined` for a holder that never saw it. A holder that
 * saw it before `crossedAt` (its poll was answered before the ack reached the client) counts 0.
 */
export function crossingDelays(crossedAt: number, seenAt: ReadonlyArray<number | undefined>): CrossingDelays {
  const delays: number[] = [];
  let missed = 0;
  for (const at of seenAt) {
    if (at === undefined) missed++;
    else delays.push(Math.max(0, at - crossedAt));
  }
  const summary = summarize(delays);
  return {
    holders: seenAt.length,
    missed,
    firstMs: delays.reduce((min, d) => Math.min(min, d), Number.POSITIVE_INFINITY),
    p50Ms: summary.median,
    p99Ms: missed > seenAt.length / 100 ? Number.POSITIVE_INFINITY : summary.p99,
    maxMs: missed > 0 ? Number.POSITIVE_INFINITY : delays.reduce((max, d) => Math.max(max, d), 0),
  };
}

export interface Overshoot {
  limit: number;
  /** Tokens the store recorded for the budget's period. */
  recorded: number;
  /** recorded − limit (0 when under). */
  overshoot: number;
  /** (N − 1) · (L − U): the bound of today's design for N sidecars holding a policy with aggregate U. */
  bound: number;
}

export function overshoot(
  limit: number,
  recorded: number,
  sidecars: number,
  usedInPolicy: number,
): Overshoot {
  if (!(limit > 0)) throw new Error(`the budget's limit must be a positive number of tokens, got ${limit}`);
  return {
    limit,
    recorded,
    overshoot: Math.max(0, recorded - limit),
    bound: Math.max(0, sidecars - 1) * Math.max(0, limit - usedInPolicy),
  };
}

/**
 * The lease bound (docs/adr/0062): calls in flight × their reservation. A simulated holder has one
 * batch of `callsPerBatch` calls in flight, each reserving the largest call (a batch spread over its calls).
 */
export function leaseBound(holders: number, callsPerBatch: number, tokensPerBatch: number): number {
  if (!(callsPerBatch >= 1)) throw new Error(`calls per batch must be at least 1, got ${callsPerBatch}`);
  return holders * callsPerBatch * Math.ceil(tokensPerBatch / callsPerBatch);
}

export type CarriedBy = 'lease' | 'policy';

/** How many holders held `phase` first through each way (a holder that never held it counts in neither). */
export function carriedBy(
  holders: ReadonlyArray<{ seenBy: ReadonlyMap<string, CarriedBy> }>,
  phase: string,
): Record<CarriedBy, number> {
  const by: Record<CarriedBy, number> = { lease: 0, policy: 0 };
  for (const holder of holders) {
    const way = holder.seenBy.get(phase);
    if (way) by[way]++;
  }
  return by;
}
