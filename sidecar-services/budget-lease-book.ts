// One budget period's leases, and the pure decision of how large a slice a holder gets
// (docs/adr/0062-budget-leases.md). The store keeps the book as one value written at the revision
// read (budget-lease-table.ts), so grants of all replicas are serialised and their sum never
// exceeds the room left.
import type { BudgetLeaseAsk } from '../apis/budget-lease.js';

/** A holder's line in the book. */
export interface LeaseHolder {
  /** Tokens granted and not yet reported settled: the room it may use without asking. */
  out: number;
  /** When the lease ends (epoch ms); 0: none. */
  exp: number;
  /** The holder's total settled tokens this period as last reported. */
  settled: number;
  /** Tokens charged as spent when its lease expired unreported; its next report is netted against them. */
  charged: number;
  /** Its last reported rate, tokens a second. */
  rate: number;
}

export interface LeaseBook {
  /** The budget's usage when the book was opened (the policy's `usedTokens`). */
  seed: number;
  /** The highest `usedTokens` of a policy seen since: the operator's count, which lags. */
  base: number;
  /** Tokens holders reported settled since the book was opened, and expired slices. */
  spent: number;
  holders: Record<string, LeaseHolder>;
}

export interface LeaseTerms {
  now: number;
  limitTokens: number;
  /** The budget's `usedTokens` in the agent's policy now. */
  policyUsedTokens: number;
  /** Threshold percents of the budget; 100 is always one. */
  thresholds: readonly number[];
  /** Lease time far from a threshold; default 5 s. */
  leaseMs?: number;
  /** Lease time near one: a crossing is seen by every holder within it; default 1 s. */
  nearLeaseMs?: number;
}

export interface LeaseGrant {
  book: LeaseBook;
  grantedTokens: number;
  expiresInMs: number;
  countedTokens: number;
  holders: number;
  /** True when the slice was shrunk because a threshold is near. */
  near: boolean;
}

export const LEASE_MS = 5_000;
export const NEAR_LEASE_MS = 1_000;
/** A slice covers at least this many more of the holder's largest call: it asks again before the last one. */
const CALLS_AHEAD = 4;
/** A holder not heard of for this long leaves the book (a restarted sidecar comes back as a new holder). */
const FORGET_AFTER_MS = 10 * 60_000;

export function openBook(policyUsedTokens: number): LeaseBook {
  return { seed: policyUsedTokens, base: policyUsedTokens, spent: 0, holders: {} };
}

/** What the budget has used as the book knows it: its own reports, or the operator's count when ahead. */
export function countedTokens(book: LeaseBook): number {
  return Math.max(book.base, book.seed + book.spent);
}

/**
 * The next book and the holder's slice. Expired slices are charged as spent (the holder may have
 * used them); a holder's settled tokens count once (they are a running total); the slice is what
 * the holder wants — its calls in flight plus its rate over the lease time, at least four more calls —
 * capped at its share of the room left (room ÷ live holders), and shrunk to a one-second lease when
 * the holders' rates could carry the budget over its next threshold within a normal lease. Pure.
 */
export function grantLease(
  current: LeaseBook,
  holderId: string,
  ask: BudgetLeaseAsk,
  terms: LeaseTerms,
): LeaseGrant {
  const { now } = terms;
  const leaseMs = terms.leaseMs ?? LEASE_MS;
  const nearMs = terms.nearLeaseMs ?? NEAR_LEASE_MS;
  const book: LeaseBook = { ...current, holders: {} };
  for (const [id, h] of Object.entries(current.holders)) {
    const holder = { ...h };
    if (holder.exp <= now && holder.out > 0) {
      book.spent += holder.out;
      holder.charged += holder.out;
      holder.out = 0;
    }
    if (id !== holderId && holder.exp < now - FORGET_AFTER_MS) continue;
    book.holders[id] = holder;
  }
  book.base = Math.max(book.base, terms.policyUsedTokens);

  let holder = book.holders[holderId];
  if (!holder) {
    // A new holder's earlier usage predates its lease: it is in the operator's count, not in `spent`.
    holder = { out: 0, exp: 0, settled: ask.settledTokens, charged: 0, rate: ask.ratePerSecond };
    book.holders[holderId] = holder;
  } else {
    const reported = Math.max(0, ask.settledTokens - holder.settled);
    const covered = Math.min(reported, holder.charged);
    holder.charged -= covered;
    book.spent += reported - covered;
    holder.settled = Math.max(holder.settled, ask.settledTokens);
  }
  holder.rate = ask.ratePerSecond;

  const counted = countedTokens(book);
  let others = 0;
  let live = 1;
  let rates = ask.ratePerSecond;
  for (const [id, h] of Object.entries(book.holders)) {
    if (id === holderId || h.exp <= now) continue;
    others += h.out;
    live++;
    rates += h.rate;
  }

  if (ask.release) {
    holder.out = 0;
    holder.exp = 0;
    return { book, grantedTokens: 0, expiresInMs: 0, countedTokens: counted, holders: live - 1, near: false };
  }

  const room = Math.max(0, terms.limitTokens - counted - others);
  const share = Math.floor(room / live);
  const want = (ms: number) =>
    ask.reservedTokens + Math.max(ask.callTokens * CALLS_AHEAD, Math.ceil((ask.ratePerSecond * ms) / 1000));
  let granted = Math.min(want(leaseMs), share);
  const next = nextThreshold(terms.limitTokens, terms.thresholds, counted);
  const near = counted + others + granted + (rates * leaseMs) / 1000 >= next;
  if (near) granted = Math.min(granted, want(nearMs));
  const expiresInMs = near ? nearMs : leaseMs;
  holder.out = granted;
  holder.exp = now + expiresInMs;
  return { book, grantedTokens: granted, expiresInMs, countedTokens: counted, holders: live, near };
}

/** The token amount of the first threshold above `counted` (the limit when all are passed). */
export function nextThreshold(limitTokens: number, percents: readonly number[], counted: number): number {
  let next = limitTokens;
  for (const percent of percents) {
    const at = Math.ceil((limitTokens * percent) / 100);
    if (at > counted && at < next) next = at;
  }
  return next;
}
