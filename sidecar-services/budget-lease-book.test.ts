import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BudgetLeaseAsk } from '../apis/budget-lease.js';
import {
  countedTokens,
  decideTurn,
  FORGET_AFTER_MS,
  grantLease,
  type LeaseBook,
  nextThreshold,
  openBook,
  type TurnAsk,
  totalsOf,
} from './budget-lease-book.js';

const ask = (over: Partial<BudgetLeaseAsk> = {}): BudgetLeaseAsk => ({
  budget: 'team/daily',
  settledTokens: 0,
  reservedTokens: 0,
  ratePerSecond: 0,
  callTokens: 100,
  release: false,
  ...over,
});
const terms = (
  now: number,
  over: { limitTokens?: number; policyUsedTokens?: number; thresholds?: number[] } = {},
) => ({
  now,
  limitTokens: over.limitTokens ?? 100_000,
  policyUsedTokens: over.policyUsedTokens ?? 0,
  thresholds: over.thresholds ?? [75, 100],
});

/** A seeded generator, so a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('grantLease', () => {
  it('grants the rate over the lease time plus calls in flight, far from a threshold', () => {
    const g = grantLease(openBook(0), 'a', ask({ ratePerSecond: 200, reservedTokens: 50 }), terms(0));
    assert.equal(g.grantedTokens, 50 + 200 * 5);
    assert.equal(g.expiresInMs, 5_000);
    assert.equal(g.near, false);
    assert.equal(g.book.holders.a?.out, 1_050);
  });

  it('grants at least four more calls when the holder has no rate yet', () => {
    assert.equal(grantLease(openBook(0), 'a', ask(), terms(0)).grantedTokens, 400);
  });

  it('caps a slice at the holder’s share of the room left', () => {
    let book = openBook(9_000);
    const t = terms(0, { limitTokens: 10_000, policyUsedTokens: 9_000, thresholds: [] });
    book = grantLease(book, 'a', ask({ callTokens: 50 }), t).book;
    // 1,000 left, a holds 200: b may have half of the 800 others leave it.
    const b = grantLease(book, 'b', ask({ ratePerSecond: 10_000 }), t);
    assert.equal(b.grantedTokens, 400);
    assert.equal(b.holders, 2);
  });

  it('counts a running total of settled tokens once, however often it is resent', () => {
    let book = grantLease(openBook(0), 'a', ask({ settledTokens: 500 }), terms(0)).book;
    assert.equal(book.totals.spent, 0, 'usage before the first lease is the operator’s to count');
    book = grantLease(book, 'a', ask({ settledTokens: 800 }), terms(1_000)).book;
    book = grantLease(book, 'a', ask({ settledTokens: 800 }), terms(2_000)).book;
    assert.equal(book.totals.spent, 300);
  });

  it('charges an expired slice as spent, and nets the holder’s later report against it', () => {
    let book = grantLease(openBook(0), 'a', ask({ ratePerSecond: 200 }), terms(0)).book;
    book = grantLease(book, 'b', ask(), terms(6_000)).book;
    assert.equal(book.totals.spent, 1_000, 'a’s slice expired unreported');
    assert.equal(book.holders.a?.out, 0);
    book = grantLease(book, 'a', ask({ settledTokens: 700 }), terms(7_000)).book;
    assert.equal(book.totals.spent, 1_000, 'a used 700 of the 1,000 already charged');
    book = grantLease(book, 'a', ask({ settledTokens: 1_500 }), terms(8_000)).book;
    assert.equal(book.totals.spent, 1_500, '300 charged left, then 500 beyond it');
  });

  it('takes the operator’s count when it is ahead of the book', () => {
    const g = grantLease(openBook(100), 'a', ask(), terms(0, { policyUsedTokens: 5_000 }));
    assert.equal(g.countedTokens, 5_000);
    assert.equal(countedTokens(g.book), 5_000);
  });

  it('counts what holders report after the operator’s count on top of it, not under it', () => {
    // 6,500 tokens of a process that holds no lease reach the book only through the operator's
    // count; holder a's reports after that count must still add up against the limit.
    const t = (now: number, policyUsedTokens: number) =>
      terms(now, { limitTokens: 10_000, policyUsedTokens, thresholds: [] });
    let book = grantLease(openBook(0), 'a', ask({ callTokens: 100 }), t(0, 0)).book;
    // The operator counts a's first 1,000 and the other process's 6,500.
    book = grantLease(book, 'a', ask({ settledTokens: 1_000, callTokens: 100 }), t(1_000, 7_500)).book;
    assert.ok(countedTokens(book) >= 7_500);
    // a spends 2,000 more and reports them before the operator's next count.
    const g = grantLease(book, 'a', ask({ settledTokens: 3_000, callTokens: 100 }), t(2_000, 7_500));
    assert.ok(g.countedTokens >= 9_500, `counted ${g.countedTokens}, used 9,500`);
    assert.ok(g.grantedTokens <= 500, `granted ${g.grantedTokens} with 500 left`);
    // The operator's next count has them all: the book counts exactly what was used.
    const next = grantLease(g.book, 'a', ask({ settledTokens: 3_000, callTokens: 100 }), t(3_000, 9_500));
    assert.equal(next.countedTokens, 9_500);
  });

  it('shrinks to a one-second lease when the rates could cross the next threshold within a lease', () => {
    const t = terms(0, { limitTokens: 10_000, policyUsedTokens: 7_000 });
    const g = grantLease(
      openBook(7_000),
      'a',
      ask({ ratePerSecond: 200, reservedTokens: 30, callTokens: 10 }),
      t,
    );
    assert.equal(g.near, true);
    assert.equal(g.expiresInMs, 1_000);
    assert.equal(g.grantedTokens, 30 + 200);
    const far = grantLease(openBook(0), 'a', ask({ ratePerSecond: 200 }), terms(0, { limitTokens: 10_000 }));
    assert.equal(far.near, false);
  });

  it('returns a released slice: it no longer counts against the others', () => {
    const t = terms(0, { limitTokens: 1_000, thresholds: [] });
    let book = grantLease(openBook(0), 'a', ask({ callTokens: 150 }), t).book;
    assert.equal(grantLease(book, 'b', ask({ callTokens: 150 }), t).grantedTokens, 200);
    book = grantLease(book, 'a', ask({ release: true, settledTokens: 0 }), t).book;
    assert.equal(grantLease(book, 'b', ask({ callTokens: 150 }), t).grantedTokens, 600);
  });

  it('forgets a holder silent for ten minutes', () => {
    let book = grantLease(openBook(0), 'a', ask(), terms(0)).book;
    book = grantLease(book, 'b', ask(), terms(11 * 60_000)).book;
    assert.deepEqual(Object.keys(book.holders), ['b']);
  });

  it('never grants more than the limit leaves, across 2,000 random asks of 12 holders', () => {
    const random = seeded(62);
    const limit = 50_000;
    let book: LeaseBook = openBook(0);
    const settled = new Map<string, number>();
    let now = 0;
    for (let step = 0; step < 2_000; step++) {
      now += Math.floor(random() * 400);
      const id = `h${Math.floor(random() * 12)}`;
      const holder = book.holders[id];
      // A holder settles some of what it holds (never more), then asks again.
      const used = holder && holder.exp > now ? Math.floor(random() * holder.out) : 0;
      const total = (settled.get(id) ?? 0) + used;
      settled.set(id, total);
      const g = grantLease(
        book,
        id,
        ask({
          settledTokens: total,
          ratePerSecond: random() * 2_000,
          callTokens: 50 + Math.floor(random() * 500),
        }),
        terms(now, { limitTokens: limit }),
      );
      book = g.book;
      const outstanding = book.totals.out;
      assert.deepEqual(totalsOf(book), {
        out: book.totals.out,
        live: book.totals.live,
        rates: book.totals.rates,
      });
      assert.ok(
        countedTokens(book) + outstanding <= limit,
        `step ${step}: counted ${countedTokens(book)} + outstanding ${outstanding} > ${limit}`,
      );
    }
  });
});

/** What the store reads for a turn: the totals, the askers, the leases ended by `now`, the silent holders. */
function viewOf(book: LeaseBook, askers: readonly string[], now: number): LeaseBook {
  const holders: LeaseBook['holders'] = {};
  for (const [id, h] of Object.entries(book.holders)) {
    const ended = h.exp > 0 && h.exp <= now;
    const silent = h.seen < now - FORGET_AFTER_MS;
    if (askers.includes(id) || ended || silent) holders[id] = h;
  }
  return { totals: book.totals, holders };
}

describe('decideTurn', () => {
  it('decides a batch as its asks one after the other', () => {
    const t = { limitTokens: 5_000, policyUsedTokens: 0, thresholds: [75, 100] };
    const asks: TurnAsk[] = ['a', 'b', 'a', 'c'].map((holder, i) => ({
      holder,
      ask: ask({ ratePerSecond: 100 * (i + 1), settledTokens: 10 * i }),
      terms: t,
    }));
    const turn = decideTurn(openBook(0), asks, 1_000);
    let book = openBook(0);
    const grants = asks.map((a) => {
      const g = grantLease(book, a.holder, a.ask, { ...a.terms, now: 1_000 });
      book = g.book;
      const { book: _, ...grant } = g;
      return grant;
    });
    assert.deepEqual(turn.grants, grants);
    assert.deepEqual(turn.book, book);
  });

  it('decides the same from the part of the book a turn reads as from the whole book, across 3,000 random turns', () => {
    const random = seeded(66);
    const limit = 200_000;
    let whole: LeaseBook = openBook(1_000);
    const settled = new Map<string, number>();
    let now = 0;
    for (let step = 0; step < 3_000; step++) {
      // Now and then a long silence, so holders are forgotten.
      now += random() < 0.01 ? FORGET_AFTER_MS : Math.floor(random() * 1_500);
      const asks: TurnAsk[] = [];
      for (let n = 1 + Math.floor(random() * 6); n > 0; n--) {
        const holder = `h${Math.floor(random() * 40)}`;
        const line = whole.holders[holder];
        const used = line && line.exp > now ? Math.floor(random() * line.out) : 0;
        settled.set(holder, (settled.get(holder) ?? 0) + used);
        asks.push({
          holder,
          ask: ask({
            settledTokens: settled.get(holder) ?? 0,
            ratePerSecond: random() * 800,
            callTokens: 20 + Math.floor(random() * 300),
            reservedTokens: Math.floor(random() * 100),
            release: random() < 0.05,
          }),
          terms: { limitTokens: limit, policyUsedTokens: 1_000 + step, thresholds: [50, 75, 100] },
        });
      }
      const fromWhole = decideTurn(whole, asks, now);
      const fromView = decideTurn(
        viewOf(
          whole,
          asks.map((a) => a.holder),
          now,
        ),
        asks,
        now,
      );
      assert.deepEqual(fromView.grants, fromWhole.grants, `step ${step}`);
      assert.deepEqual(fromView.book.totals, fromWhole.book.totals, `step ${step}`);
      assert.deepEqual(fromView.forgotten.sort(), fromWhole.forgotten.sort(), `step ${step}`);
      for (const [id, h] of Object.entries(fromView.book.holders)) {
        assert.deepEqual(h, fromWhole.book.holders[id], `step ${step} holder ${id}`);
      }
      whole = fromWhole.book;
      assert.deepEqual(totalsOf(whole), {
        out: whole.totals.out,
        live: whole.totals.live,
        rates: whole.totals.rates,
      });
      assert.ok(
        countedTokens(whole) + whole.totals.out <= Math.max(limit, countedTokens(whole)),
        `step ${step}`,
      );
    }
  });
});

describe('nextThreshold', () => {
  it('is the first threshold above the count, else the limit', () => {
    assert.equal(nextThreshold(1_000, [75, 100], 0), 750);
    assert.equal(nextThreshold(1_000, [75, 100], 750), 1_000);
    assert.equal(nextThreshold(1_000, [], 900), 1_000);
  });
});
