import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BudgetLeaseAsk } from '../apis/budget-lease.js';
import { countedTokens, grantLease, type LeaseBook, nextThreshold, openBook } from './budget-lease-book.js';

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
    assert.equal(book.spent, 0, 'usage before the first lease is the operator’s to count');
    book = grantLease(book, 'a', ask({ settledTokens: 800 }), terms(1_000)).book;
    book = grantLease(book, 'a', ask({ settledTokens: 800 }), terms(2_000)).book;
    assert.equal(book.spent, 300);
  });

  it('charges an expired slice as spent, and nets the holder’s later report against it', () => {
    let book = grantLease(openBook(0), 'a', ask({ ratePerSecond: 200 }), terms(0)).book;
    book = grantLease(book, 'b', ask(), terms(6_000)).book;
    assert.equal(book.spent, 1_000, 'a’s slice expired unreported');
    assert.equal(book.holders.a?.out, 0);
    book = grantLease(book, 'a', ask({ settledTokens: 700 }), terms(7_000)).book;
    assert.equal(book.spent, 1_000, 'a used 700 of the 1,000 already charged');
    book = grantLease(book, 'a', ask({ settledTokens: 1_500 }), terms(8_000)).book;
    assert.equal(book.spent, 1_500, '300 charged left, then 500 beyond it');
  });

  it('takes the operator’s count when it is ahead of the book', () => {
    const g = grantLease(openBook(100), 'a', ask(), terms(0, { policyUsedTokens: 5_000 }));
    assert.equal(g.countedTokens, 5_000);
    assert.equal(countedTokens(g.book), 5_000);
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
      let outstanding = 0;
      for (const h of Object.values(book.holders)) if (h.exp > now) outstanding += h.out;
      assert.ok(
        countedTokens(book) + outstanding <= limit,
        `step ${step}: counted ${countedTokens(book)} + outstanding ${outstanding} > ${limit}`,
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
