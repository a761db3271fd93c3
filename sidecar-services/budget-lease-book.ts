// One budget period's leases, and the pure decision of how large a slice a holder gets
// (docs/adr/0062-budget-leases.md, docs/adr/0066-lease-book-totals.md). The book keeps running
// totals of the live leases (outstanding tokens, holders, rates), so a decision reads only the
// totals, the asking holders and the holders whose lease ended since the last turn — never the
// whole book. The store writes the changed holders and the totals at the revision read
// (usage-store/redis-lease-books.ts), so grants of all replicas are serialised and counted +
// outstanding never exceeds the limit.
import type { BudgetLeaseAsk } from '../apis/budget-lease.js';

/** A holder's line in the book. */
export interface LeaseHolder {
  /** Tokens granted and not yet reported settled: the room it may use without asking; 0 without a live lease. */
  out: number;
  /** When the lease ends (epoch ms); 0: no live lease (released, or expired and charged). A holder counts in the totals iff exp > 0. */
  exp: number;
  /** The holder's total settled tokens this period as last reported. */
  settled: number;
  /** Tokens charged as spent when its lease expired unreported; its next report is netted against them. */
  charged: number;
  /** Its last reported rate, whole tokens a second (rounded up, so the totals add up exactly). */
  rate: number;
  /** When it last asked (epoch ms): silent for ten minutes, it leaves the book. */
  seen: number;
}

/** The book's running totals; `out`, `live` and `rates` are over the holders with a live lease (exp > 0). */
export interface BookTotals {
  /** The budget's usage when the book was opened (the policy's `usedTokens`). */
  seed: number;
  /** The highest `usedTokens` of a policy seen since: the operator's count, which lags. */
  base: number;
  /** Tokens holders reported settled since the book was opened, and expired slices. */
  spent: number;
  /**
   * `spent` when `base` last rose. The operator's count holds usage no holder reports (a sidecar
   * without a lease, a crossing batch of another process), so what holders reported since it came
   * is counted on top of it, not merged into it by `max` (docs/adr/0074).
   */
  spentAtBase: number;
  /** Tokens outstanding in live leases. */
  out: number;
  /** Holders with a live lease. */
  live: number;
  /** Their rates summed, tokens a second. */
  rates: number;
}

/**
 * The book, or the part of it a turn reads: the totals, and the holders it needs — those asking and
 * those whose lease ended since the last turn (a test may hold all of them).
 */
export interface LeaseBook {
  totals: BookTotals;
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
  grantedTokens: number;
  expiresInMs: number;
  countedTokens: number;
  /** Tokens outstanding in live leases after this grant, its own included. */
  outstandingTokens: number;
  holders: number;
  /** True when the slice was shrunk because a threshold is near. */
  near: boolean;
}

/** One ask of a turn: the holder, what it asks, the budget's terms (the turn's `now` apart). */
export interface TurnAsk {
  holder: string;
  ask: BudgetLeaseAsk;
  terms: Omit<LeaseTerms, 'now'>;
}

export interface TurnDecision {
  /** The totals and every holder read, as changed: the store writes all of them. */
  book: LeaseBook;
  /** One per ask, in order. */
  grants: LeaseGrant[];
  /** Holders silent for ten minutes: the store deletes them. */
  forgotten: string[];
}

export const LEASE_MS = 5_000;
export const NEAR_LEASE_MS = 1_000;
/** A slice covers at least this many more of the holder's largest call: it asks again before the last one. */
const CALLS_AHEAD = 4;
/** A holder not heard of for this long leaves the book (a restarted sidecar comes back as a new holder). */
export const FORGET_AFTER_MS = 10 * 60_000;

export function openBook(policyUsedTokens: number): LeaseBook {
  return {
    totals: {
      seed: policyUsedTokens,
      base: policyUsedTokens,
      spent: 0,
      spentAtBase: 0,
      out: 0,
      live: 0,
      rates: 0,
    },
    holders: {},
  };
}

/**
 * What the budget has used as the book knows it: the operator's latest count plus what holders
 * reported since it came, or the holders' reports alone when they are ahead (docs/adr/0074).
 */
export function countedTokens(book: LeaseBook): number {
  const { seed, base, spent, spentAtBase } = book.totals;
  return Math.max(seed + spent, base + spent - spentAtBase);
}

/**
 * One turn: the asks of one budget that arrived together, decided in order against `view` at `now`.
 * First the leases in the view that ended by `now` are charged as spent (the holder may have used
 * them), and holders silent for ten minutes (and not asking) leave; then each ask is granted
 * (`grantInPlace`). Pure: `view` is not changed. The cost is the size of the view, not of the book.
 */
export function decideTurn(view: LeaseBook, asks: readonly TurnAsk[], now: number): TurnDecision {
  const book = copyBook(view);
  chargeExpired(book, now);
  const forgotten = forgetSilent(book, now, new Set(asks.map((a) => a.holder)));
  const grants = asks.map((a) => grantInPlace(book, a.holder, a.ask, { ...a.terms, now }));
  return { book, grants, forgotten };
}

/** One ask alone: `decideTurn` of one. */
export function grantLease(
  current: LeaseBook,
  holderId: string,
  ask: BudgetLeaseAsk,
  terms: LeaseTerms,
): LeaseGrant & { book: LeaseBook } {
  const { now, ...rest } = terms;
  const turn = decideTurn(current, [{ holder: holderId, ask, terms: rest }], now);
  return { ...(turn.grants[0] as LeaseGrant), book: turn.book };
}

/**
 * The holder's slice, changing `book` in place. A holder's settled tokens count once (they are a
 * running total); the slice is what the holder wants — its calls in flight plus its rate over the
 * lease time, at least four more calls — capped at its share of the room left (room ÷ live holders),
 * and shrunk to a one-second lease when the holders' rates could carry the budget over its next
 * threshold within a normal lease. Expired leases must have been charged (`chargeExpired`) first.
 */
function grantInPlace(book: LeaseBook, holderId: string, ask: BudgetLeaseAsk, terms: LeaseTerms): LeaseGrant {
  const { now, limitTokens } = terms;
  const leaseMs = terms.leaseMs ?? LEASE_MS;
  const nearMs = terms.nearLeaseMs ?? NEAR_LEASE_MS;
  const totals = book.totals;
  if (terms.policyUsedTokens > totals.base) {
    // A newer count of the operator's: holders' reports from here on come on top of it. This ask's
    // own report is added after, so tokens already in the new count may be counted twice until the
    // next one comes — never fewer than were used.
    totals.base = terms.policyUsedTokens;
    totals.spentAtBase = totals.spent;
  }

  let holder = book.holders[holderId];
  if (!holder) {
    // A new holder's earlier usage predates its lease: it is in the operator's count, not in `spent`.
    holder = { out: 0, exp: 0, settled: ask.settledTokens, charged: 0, rate: 0, seen: now };
    book.holders[holderId] = holder;
  } else {
    const reported = Math.max(0, ask.settledTokens - holder.settled);
    const covered = Math.min(reported, holder.charged);
    holder.charged -= covered;
    totals.spent += reported - covered;
    holder.settled = Math.max(holder.settled, ask.settledTokens);
  }
  // The totals without this holder are the others'.
  untrack(book, holder);
  holder.rate = Math.ceil(ask.ratePerSecond);
  holder.seen = now;
  const counted = countedTokens(book);
  const others = totals.out;
  const live = totals.live + 1;
  const rates = totals.rates + ask.ratePerSecond;

  if (ask.release) {
    holder.out = 0;
    holder.exp = 0;
    return grantOf(book, 0, 0, counted, live - 1, false);
  }

  const room = Math.max(0, limitTokens - counted - others);
  const share = Math.floor(room / live);
  const want = (ms: number) =>
    ask.reservedTokens + Math.max(ask.callTokens * CALLS_AHEAD, Math.ceil((ask.ratePerSecond * ms) / 1000));
  let granted = Math.min(want(leaseMs), share);
  const next = nextThreshold(limitTokens, terms.thresholds, counted);
  const near = counted + others + granted + (rates * leaseMs) / 1000 >= next;
  if (near) granted = Math.min(granted, want(nearMs));
  const expiresInMs = near ? nearMs : leaseMs;
  holder.out = granted;
  holder.exp = now + expiresInMs;
  track(book, holder);
  return grantOf(book, granted, expiresInMs, counted, live, near);
}

function grantOf(
  book: LeaseBook,
  grantedTokens: number,
  expiresInMs: number,
  countedTokens: number,
  holders: number,
  near: boolean,
): LeaseGrant {
  return { grantedTokens, expiresInMs, countedTokens, outstandingTokens: book.totals.out, holders, near };
}

/** Charges every lease in `book` that ended by `now` as spent, and takes it out of the totals. */
function chargeExpired(book: LeaseBook, now: number): void {
  for (const holder of Object.values(book.holders)) {
    if (holder.exp === 0 || holder.exp > now) continue;
    untrack(book, holder);
    book.totals.spent += holder.out;
    holder.charged += holder.out;
    holder.out = 0;
  }
}

/** Removes holders without a live lease silent for ten minutes, except those in `keep`; their ids. */
function forgetSilent(book: LeaseBook, now: number, keep: ReadonlySet<string>): string[] {
  const forgotten: string[] = [];
  for (const [id, holder] of Object.entries(book.holders)) {
    if (holder.exp > 0 || holder.seen >= now - FORGET_AFTER_MS || keep.has(id)) continue;
    delete book.holders[id];
    forgotten.push(id);
  }
  return forgotten;
}

/** Takes a holder's live lease out of the totals (none: nothing); it has no live lease after. */
function untrack(book: LeaseBook, holder: LeaseHolder): void {
  if (holder.exp === 0) return;
  book.totals.out -= holder.out;
  book.totals.live -= 1;
  book.totals.rates -= holder.rate;
  holder.exp = 0;
}

function track(book: LeaseBook, holder: LeaseHolder): void {
  book.totals.out += holder.out;
  book.totals.live += 1;
  book.totals.rates += holder.rate;
}

function copyBook(book: LeaseBook): LeaseBook {
  const holders: Record<string, LeaseHolder> = {};
  for (const [id, holder] of Object.entries(book.holders)) holders[id] = { ...holder };
  return { totals: { ...book.totals }, holders };
}

/** The totals recomputed from every holder: what the running totals must equal (tests, repair). */
export function totalsOf(book: LeaseBook): Pick<BookTotals, 'out' | 'live' | 'rates'> {
  let out = 0;
  let live = 0;
  let rates = 0;
  for (const holder of Object.values(book.holders)) {
    if (holder.exp === 0) continue;
    out += holder.out;
    live += 1;
    rates += holder.rate;
  }
  return { out, live, rates };
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
