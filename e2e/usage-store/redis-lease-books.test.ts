// Budget lease books in a real redis-server (docs/adr/0062-budget-leases.md, 0066-lease-book-totals.md),
// no cluster: two services replicas (two connections, each batching its asks) grant slices of one
// budget to 300 holders at once and never hand out more than the limit leaves; an expired slice is
// charged from the expiry index; a seeded random run through the store decides exactly as the pure
// decision on the whole book, and the stored totals and indexes equal a recomputation from the
// holders' lines; the book outlives a store restart and expires an hour after its period.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { BudgetLeaseAsk } from '../../apis/budget-lease.js';
import { type EffectiveBudget, effectiveBudget } from '../../apis/effective-policy.js';
import { BookBatches } from '../../sidecar-services/book-batches.js';
import {
  FORGET_AFTER_MS,
  grantLease,
  type LeaseBook,
  openBook,
  totalsOf,
} from '../../sidecar-services/budget-lease-book.js';
import { type LeaseBatches, leaseBudget } from '../../sidecar-services/budget-lease-grant.js';
import {
  holderOf,
  type LeaseBooks,
  leaseBookKeys,
  RedisLeaseBooks,
} from '../../sidecar-services/usage-store/redis-lease-books.js';
import { eventually } from '../../testing/eventually.js';
import { RedisServer } from '../../testing/redis-server.js';

const periodEnd = new Date(Date.now() + 3_600_000).toISOString();
const budgetOf = (name: string, limitTokens: number, usedTokens = 0): EffectiveBudget =>
  effectiveBudget.parse({
    name,
    phase: 'Active',
    actions: [],
    limitTokens,
    usedTokens,
    periodEnd,
    thresholds: [{ percent: 75, actions: ['Alert'] }],
  });
const ask = (budget: EffectiveBudget, over: Partial<BudgetLeaseAsk> = {}): BudgetLeaseAsk => ({
  budget: budget.name,
  settledTokens: 0,
  reservedTokens: 0,
  ratePerSecond: 100,
  callTokens: 100,
  release: false,
  ...over,
});

/** A seeded generator, so a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The whole book as stored: totals and every holder's line. */
async function storedBook(redis: Redis, budget: EffectiveBudget): Promise<LeaseBook> {
  const [totalsKey, holdersKey] = leaseBookKeys(budget.name, budget.periodEnd);
  const t = await redis.hgetall(totalsKey);
  const lines = await redis.hgetall(holdersKey);
  const holders: LeaseBook['holders'] = {};
  for (const [id, line] of Object.entries(lines)) holders[id] = holderOf(line, id);
  const n = (f: string) => Number(t[f]);
  return {
    totals: {
      seed: n('seed'),
      base: n('base'),
      spent: n('spent'),
      spentAtBase: n('spentAtBase'),
      out: n('out'),
      live: n('live'),
      rates: n('rates'),
    },
    holders,
  };
}

describe('budget lease books in a real redis-server', () => {
  let server: RedisServer;
  const clients: Redis[] = [];

  before(async () => {
    server = await RedisServer.start({ appendfsync: 'everysec' });
    for (let i = 0; i < 2; i++) {
      const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined); // the restart below resets the connections; they reconnect
      clients.push(client);
    }
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
  });

  it('two replicas granting to 300 holders at once never hand out more than the limit leaves', async () => {
    const LIMIT = 200_000;
    const budget = budgetOf('agents/small', LIMIT);
    let lost = 0;
    let writes = 0;
    const replicas = clients.map((c) => {
      const books = new RedisLeaseBooks(c);
      const counted: LeaseBooks = {
        read: (b, p, h, now) => books.read(b, p, h, now),
        async write(b, p, rev, changes, expireAt) {
          writes++;
          const written = await books.write(b, p, rev, changes, expireAt);
          if (!written) lost++;
          return written;
        },
      };
      return { books: counted, batches: new BookBatches() as LeaseBatches };
    });
    const violations: string[] = [];
    let grants = 0;
    let grantedTotal = 0;
    const holder = async (index: number) => {
      let settled = 0;
      let slice = 0;
      for (let round = 0; round < 6; round++) {
        // It used part of its slice (never more), and asks again.
        settled += Math.floor(slice * ((index + round) % 4) * 0.25);
        const replica = replicas[(index + round) % 2] as (typeof replicas)[number];
        const grant = await leaseBudget(
          replica.books,
          replica.batches,
          budget,
          `holder-${index}`,
          ask(budget, { settledTokens: settled, ratePerSecond: 100 + (index % 12) * 50 }),
          Date.now,
        );
        slice = grant.grantedTokens;
        grants++;
        grantedTotal += slice;
        const total = grant.countedTokens + grant.outstandingTokens;
        if (total > LIMIT) violations.push(`holder ${index} round ${round}: ${total} > ${LIMIT}`);
      }
    };
    await Promise.all(Array.from({ length: 300 }, (_, i) => holder(i)));
    assert.deepEqual(violations, []);
    assert.equal(grants, 1_800);
    assert.ok(writes < grants, `asks were batched: ${writes} writes for ${grants} asks`);
    assert.ok(lost > 0, 'writes of the two replicas raced and the losers decided again');
    assert.ok(grantedTotal > 0);
    const book = await storedBook(clients[0] as Redis, budget);
    assert.equal(Object.keys(book.holders).length, 300);
    assert.deepEqual(totalsOf(book), {
      out: book.totals.out,
      live: book.totals.live,
      rates: book.totals.rates,
    });
    assert.ok(book.totals.spent > 0, 'reported usage is in the book');
  });

  it('grants the services’ lease time (--budget-lease-seconds) far from a threshold, and keeps the slice that long', async () => {
    const budget = budgetOf('agents/long-lease', 1_000_000);
    const books = new RedisLeaseBooks(clients[0] as Redis);
    const batches: LeaseBatches = new BookBatches();
    const at = (ms: number) => () => 1_000_000 + ms;
    const a = await leaseBudget(
      books,
      batches,
      budget,
      'a',
      ask(budget, { ratePerSecond: 200 }),
      at(0),
      20_000,
    );
    assert.equal(a.expiresInMs, 20_000);
    assert.equal(a.grantedTokens, 200 * 20, 'the rate over the longer lease');
    // Past the default 5 s, a's slice is still out: b's ask finds two holders and nothing charged.
    const b = await leaseBudget(books, batches, budget, 'b', ask(budget), at(5_500), 20_000);
    assert.equal(b.holders, 2);
    const book = await storedBook(clients[0] as Redis, budget);
    assert.equal(book.totals.spent, 0);
    assert.equal(book.holders.a?.out, 4_000);
  });

  it('reads a book stored before spentAtBase as one whose operator count just came', async () => {
    const budget = budgetOf('agents/older-book', 1_000_000);
    const books = new RedisLeaseBooks(clients[0] as Redis);
    const batches: LeaseBatches = new BookBatches();
    const at = (ms: number) => () => 1_000_000 + ms;
    await leaseBudget(books, batches, budget, 'a', ask(budget, { ratePerSecond: 100 }), at(0));
    await leaseBudget(books, batches, budget, 'a', ask(budget, { settledTokens: 400 }), at(1_000));
    const [totalsKey] = leaseBookKeys(budget.name, budget.periodEnd);
    await (clients[0] as Redis).hdel(totalsKey, 'spentAtBase');
    const { book } = await books.read(budget.name, budget.periodEnd, [], 1_002_000);
    assert.equal(book?.totals.spent, 400);
    assert.equal(book?.totals.spentAtBase, 400);
    // Asks go on, and the next write stores the field again.
    await leaseBudget(books, batches, budget, 'a', ask(budget, { settledTokens: 500 }), at(2_000));
    assert.equal((await storedBook(clients[0] as Redis, budget)).totals.spentAtBase, 400);
  });

  it('charges a slice not renewed by its expiry as spent, found through the expiry index', async () => {
    const budget = budgetOf('agents/expiry', 1_000_000);
    const books = new RedisLeaseBooks(clients[0] as Redis);
    const batches: LeaseBatches = new BookBatches();
    const at = (ms: number) => () => 1_000_000 + ms;
    const a = await leaseBudget(books, batches, budget, 'a', ask(budget, { ratePerSecond: 200 }), at(0));
    assert.equal(a.grantedTokens, 1_000);
    await leaseBudget(books, batches, budget, 'b', ask(budget), at(1_000));
    const b = await leaseBudget(books, batches, budget, 'b', ask(budget), at(5_500));
    assert.equal(b.holders, 1, 'a’s lease ended');
    let book = await storedBook(clients[0] as Redis, budget);
    assert.equal(book.totals.spent, 1_000, 'a’s slice was charged');
    assert.deepEqual(book.holders.a, {
      out: 0,
      exp: 0,
      settled: 0,
      charged: 1_000,
      rate: 200,
      seen: 1_000_000,
    });
    assert.deepEqual(await (clients[0] as Redis).zrange(leaseBookKeys(budget.name, periodEnd)[2], 0, -1), [
      'b',
    ]);
    // a reports 700 used: already charged, it adds nothing.
    await leaseBudget(books, batches, budget, 'a', ask(budget, { settledTokens: 700 }), at(7_000));
    book = await storedBook(clients[0] as Redis, budget);
    assert.equal(book.totals.spent, 1_000);
    // Silent for ten minutes, b leaves the book.
    await leaseBudget(books, batches, budget, 'a', ask(budget), at(7_000 + FORGET_AFTER_MS));
    book = await storedBook(clients[0] as Redis, budget);
    assert.deepEqual(Object.keys(book.holders), ['a']);
  });

  it('decides through the store exactly as on the whole book, its totals and indexes matching its lines', async () => {
    const random = seeded(66);
    const budget = budgetOf('agents/random', 400_000, 2_000);
    const replicas = clients.map((c) => ({
      books: new RedisLeaseBooks(c),
      batches: new BookBatches() as LeaseBatches,
    }));
    let model: LeaseBook = openBook(budget.usedTokens);
    const settled = new Map<string, number>();
    let now = 5_000_000;
    for (let step = 0; step < 400; step++) {
      now += random() < 0.02 ? FORGET_AFTER_MS : Math.floor(random() * 2_000);
      const holder = `h${Math.floor(random() * 60)}`;
      const line = model.holders[holder];
      const used = line && line.exp > now ? Math.floor(random() * line.out) : 0;
      settled.set(holder, (settled.get(holder) ?? 0) + used);
      const a = ask(budget, {
        settledTokens: settled.get(holder) ?? 0,
        ratePerSecond: random() * 1_500,
        callTokens: 20 + Math.floor(random() * 400),
        reservedTokens: Math.floor(random() * 200),
        release: random() < 0.05,
      });
      const expected = grantLease(model, holder, a, {
        now,
        limitTokens: budget.limitTokens ?? 0,
        policyUsedTokens: budget.usedTokens,
        thresholds: [75, 100],
      });
      model = expected.book;
      const replica = replicas[step % 2] as (typeof replicas)[number];
      const at = now;
      const got = await leaseBudget(replica.books, replica.batches, budget, holder, a, () => at);
      const { book: _, ...want } = expected;
      assert.deepEqual(got, want, `step ${step}`);
    }
    const stored = await storedBook(clients[0] as Redis, budget);
    assert.deepEqual(stored, model, 'the stored book is the model’s');
    assert.deepEqual(totalsOf(stored), {
      out: stored.totals.out,
      live: stored.totals.live,
      rates: stored.totals.rates,
    });
    const [, , liveKey, seenKey] = leaseBookKeys(budget.name, periodEnd);
    const live = await (clients[0] as Redis).zrange(liveKey, 0, -1, 'WITHSCORES');
    const seen = await (clients[0] as Redis).zrange(seenKey, 0, -1, 'WITHSCORES');
    const pairs = (flat: string[]) => {
      const out: Record<string, number> = {};
      for (let i = 0; i < flat.length; i += 2) out[flat[i] as string] = Number(flat[i + 1]);
      return out;
    };
    const lines = Object.entries(stored.holders);
    assert.deepEqual(
      pairs(live),
      Object.fromEntries(lines.filter(([, h]) => h.exp > 0).map(([id, h]) => [id, h.exp])),
    );
    assert.deepEqual(pairs(seen), Object.fromEntries(lines.map(([id, h]) => [id, h.seen])));
  });

  it('keeps the book across a store restart, and lets it expire an hour after its period', async () => {
    const budget = budgetOf('agents/small', 200_000);
    const books = new RedisLeaseBooks(clients[0] as Redis);
    const before = await storedBook(clients[0] as Redis, budget);
    await server.stop();
    await server.restart();
    const again = await eventually('the book read after the restart', () =>
      books.read(budget.name, budget.periodEnd, [], Date.now()).then(
        () => storedBook(clients[0] as Redis, budget),
        () => undefined,
      ),
    );
    assert.deepEqual(again, before);
    const expected = Date.parse(periodEnd) + 3_600_000 - Date.now();
    for (const key of leaseBookKeys(budget.name, budget.periodEnd)) {
      const ttl = await (clients[0] as Redis).pttl(key);
      assert.ok(Math.abs(ttl - expected) < 60_000, `${key} expires in ${ttl} ms, about ${expected} expected`);
    }
  });
});
