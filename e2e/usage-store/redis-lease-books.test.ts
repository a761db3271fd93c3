// Budget lease books in a real redis-server (docs/adr/0062-budget-leases.md), no cluster: two
// services replicas (two connections) grant slices of one budget to twelve holders at once; every
// book written keeps counted + outstanding slices within the limit, writes that lost the race were
// refused (and decided again), and a book outlives a store restart and expires after its period.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { type EffectiveBudget, effectiveBudget } from '../../apis/effective-policy.js';
import { BookTurns } from '../../sidecar-services/book-turns.js';
import { countedTokens, type LeaseBook } from '../../sidecar-services/budget-lease-book.js';
import { leaseBudget } from '../../sidecar-services/budget-lease-grant.js';
import {
  type LeaseBooks,
  leaseBookKey,
  RedisLeaseBooks,
} from '../../sidecar-services/usage-store/redis-lease-books.js';
import { eventually } from '../../testing/eventually.js';
import { RedisServer } from '../../testing/redis-server.js';

const LIMIT = 10_000;
const periodEnd = new Date(Date.now() + 3_600_000).toISOString();
const budget: EffectiveBudget = effectiveBudget.parse({
  name: 'agents/small',
  phase: 'Active',
  actions: [],
  limitTokens: LIMIT,
  usedTokens: 0,
  periodEnd,
  thresholds: [{ percent: 75, actions: ['Alert'] }],
});

function outstanding(book: LeaseBook, now: number): number {
  let out = 0;
  for (const h of Object.values(book.holders)) if (h.exp > now) out += h.out;
  return out;
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

  it('two replicas granting to twelve holders at once never hand out more than the limit leaves', async () => {
    let lost = 0;
    const turns = clients.map(() => new BookTurns());
    const replicas: LeaseBooks[] = clients.map((c) => {
      const books = new RedisLeaseBooks(c);
      return {
        read: (b, p) => books.read(b, p),
        async write(b, p, rev, book, expireAt) {
          const written = await books.write(b, p, rev, book, expireAt);
          if (!written) lost++;
          return written;
        },
      };
    });
    const violations: string[] = [];
    let grants = 0;
    let grantedTotal = 0;
    const holder = async (index: number) => {
      let settled = 0;
      let slice = 0;
      for (let round = 0; round < 25; round++) {
        // It used part of its slice (never more), and asks again.
        settled += Math.floor(slice * ((index + round) % 4) * 0.25);
        const replica = (index + round) % 2;
        const grant = await leaseBudget(
          replicas[replica] as LeaseBooks,
          turns[replica] as BookTurns,
          budget,
          `holder-${index}`,
          {
            budget: budget.name,
            settledTokens: settled,
            reservedTokens: 0,
            ratePerSecond: 100 + index * 50,
            callTokens: 100,
            release: false,
          },
          Date.now,
        );
        slice = grant.grantedTokens;
        grants++;
        grantedTotal += slice;
        const total = countedTokens(grant.book) + outstanding(grant.book, Date.now());
        if (total > LIMIT) violations.push(`holder ${index} round ${round}: ${total} > ${LIMIT}`);
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => holder(i)));
    assert.deepEqual(violations, []);
    assert.equal(grants, 300);
    assert.ok(lost > 0, 'writes raced and the losers decided again');
    assert.ok(grantedTotal > 0);
    const stored = await replicas[0]?.read(budget.name, budget.periodEnd);
    assert.ok(stored?.book, 'the book is stored');
    assert.ok(countedTokens(stored.book) > 0, 'reported usage is in the book');
  });

  it('keeps the book across a store restart, and lets it expire an hour after its period', async () => {
    const books = new RedisLeaseBooks(clients[0] as Redis);
    const before = await books.read(budget.name, budget.periodEnd);
    await server.stop();
    await server.restart();
    const again = await eventually('the book read after the restart', () =>
      books.read(budget.name, budget.periodEnd).catch(() => undefined),
    );
    assert.equal(again.rev, before.rev);
    assert.deepEqual(again.book, before.book);
    const ttl = await (clients[0] as Redis).pttl(leaseBookKey(budget.name, budget.periodEnd));
    const expected = Date.parse(periodEnd) + 3_600_000 - Date.now();
    assert.ok(Math.abs(ttl - expected) < 60_000, `expires in ${ttl} ms, about ${expected} expected`);
  });
});
