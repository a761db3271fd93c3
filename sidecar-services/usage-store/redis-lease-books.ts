// Budget lease books in Redis or Valkey (docs/adr/0062-budget-leases.md, 0066-lease-book-totals.md):
// per budget and period four keys sharing one hash tag — `…:totals` (a hash: the running totals and
// `rev`), `…:holders` (a hash: holder → its line, six numbers), `…:live` (a sorted set: holders with
// a live lease by expiry) and `…:seen` (a sorted set: every holder by its last ask). One read script
// returns the totals, the lines of the holders asking and of those whose lease ended or who fell
// silent; one write script writes the changed lines and the totals only at the revision read. The
// arithmetic stays in TypeScript (../budget-lease-book.ts); the cost of a turn is the holders it
// touches, not the book. The keys expire an hour after the period ends.
import type { Redis } from 'ioredis';
import { type BookTotals, FORGET_AFTER_MS, type LeaseBook, type LeaseHolder } from '../budget-lease-book.js';
import { KEY_PREFIX } from './redis-ledger-table.js';

export const LEASE_PREFIX = `${KEY_PREFIX}lease:`;
/** Ended leases and silent holders read in one turn at most; the rest wait for the next (their slices still count as outstanding, so the limit holds). */
export const MAX_SWEPT_PER_TURN = 2_000;

/** The part of a book a turn needs: `rev` '' and no book when there is none yet. */
export interface StoredLeaseBook {
  rev: string;
  book: LeaseBook | undefined;
}

/** What a turn changed: the totals, the holders it read (as changed), and the holders to forget. */
export interface LeaseBookChanges {
  totals: BookTotals;
  holders: Record<string, LeaseHolder>;
  forgotten: readonly string[];
}

/** Where lease books are kept; only a shared store has them (the API-server store does not). */
export interface LeaseBooks {
  /** The totals, the lines of `holders`, of holders whose lease ended by `now`, and of holders silent for ten minutes. */
  read(budget: string, periodEnd: string, holders: readonly string[], now: number): Promise<StoredLeaseBook>;
  /** Writes `changes` if the stored revision is still `rev`; false when another writer came first. */
  write(
    budget: string,
    periodEnd: string,
    rev: string,
    changes: LeaseBookChanges,
    expireAtMs: number,
  ): Promise<boolean>;
}

const TOTAL_FIELDS = ['seed', 'base', 'spent', 'out', 'live', 'rates', 'spentAtBase'] as const;

/** KEYS totals, holders, live, seen; ARGV[1] now, ARGV[2] silent before, ARGV[3] at most so many swept, ARGV[4…] the holders asking. */
export const READ_LEASE_BOOK_LUA = `
local totals = redis.call('HMGET', KEYS[1], 'rev', 'seed', 'base', 'spent', 'out', 'live', 'rates', 'spentAtBase')
if not totals[1] then return {} end
local ids = {}
for i = 4, #ARGV do ids[#ids + 1] = ARGV[i] end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do ids[#ids + 1] = id end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[2], 'LIMIT', 0, ARGV[3])) do ids[#ids + 1] = id end
local lines = {}
for from = 1, #ids, 500 do
  local part = redis.call('HMGET', KEYS[2], unpack(ids, from, math.min(from + 499, #ids)))
  for _, line in ipairs(part) do lines[#lines + 1] = line end
end
return {totals, ids, lines}
`;

/**
 * KEYS as above; ARGV[1] the revision read ('' to create), ARGV[2] expiry (epoch ms), ARGV[3..9] the
 * totals, ARGV[10] n, then n × (holder, line, expiry or 0 for no live lease, last ask), then holders to forget.
 */
export const WRITE_LEASE_BOOK_LUA = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] == '' then
  if rev then return 0 end
elseif rev ~= ARGV[1] then
  return 0
end
local next = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'seed', ARGV[3], 'base', ARGV[4], 'spent', ARGV[5], 'out', ARGV[6], 'live', ARGV[7], 'rates', ARGV[8], 'spentAtBase', ARGV[9])
local i = 11
for _ = 1, tonumber(ARGV[10]) do
  local id = ARGV[i]
  redis.call('HSET', KEYS[2], id, ARGV[i + 1])
  if ARGV[i + 2] == '0' then
    redis.call('ZREM', KEYS[3], id)
  else
    redis.call('ZADD', KEYS[3], ARGV[i + 2], id)
  end
  redis.call('ZADD', KEYS[4], ARGV[i + 3], id)
  i = i + 4
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('ZREM', KEYS[3], ARGV[i])
  redis.call('ZREM', KEYS[4], ARGV[i])
  i = i + 1
end
for k = 1, 4 do redis.call('PEXPIREAT', KEYS[k], ARGV[2]) end
return next
`;

type Reply = [(string | null)[], string[], (string | null)[]] | [];

interface WithLeaseScripts {
  readLeaseBook(...args: string[]): Promise<Reply>;
  writeLeaseBook(...args: string[]): Promise<number>;
}

/** `agent-governor:lease:{<namespace/budget>@<periodEnd>}`: the prefix of the book's four keys (one hash slot). */
export function leaseBookKey(budget: string, periodEnd: string): string {
  return `${LEASE_PREFIX}{${budget}@${periodEnd}}`;
}

/** The book's four keys: totals, holders, live, seen. */
export function leaseBookKeys(budget: string, periodEnd: string): [string, string, string, string] {
  const key = leaseBookKey(budget, periodEnd);
  return [`${key}:totals`, `${key}:holders`, `${key}:live`, `${key}:seen`];
}

export class RedisLeaseBooks implements LeaseBooks {
  private readonly redis: Redis & WithLeaseScripts;

  constructor(redis: Redis) {
    redis.defineCommand('readLeaseBook', { numberOfKeys: 4, lua: READ_LEASE_BOOK_LUA, readOnly: true });
    redis.defineCommand('writeLeaseBook', { numberOfKeys: 4, lua: WRITE_LEASE_BOOK_LUA });
    this.redis = redis as Redis & WithLeaseScripts;
  }

  async read(
    budget: string,
    periodEnd: string,
    holders: readonly string[],
    now: number,
  ): Promise<StoredLeaseBook> {
    const keys = leaseBookKeys(budget, periodEnd);
    this.mustBeConnected(`read ${keys[0]}`);
    const reply = await this.redis.readLeaseBook(
      ...keys,
      String(Math.floor(now)),
      String(Math.floor(now - FORGET_AFTER_MS)),
      String(MAX_SWEPT_PER_TURN),
      ...holders,
    );
    if (reply.length === 0) return { rev: '', book: undefined };
    const [stored, ids, lines] = reply;
    const [rev, ...values] = stored;
    const totals = {} as BookTotals;
    TOTAL_FIELDS.forEach((field, i) => {
      // A book written before spentAtBase (docs/adr/0074) reads as one whose base just rose: the
      // count it had, until the operator's next count.
      const value =
        field === 'spentAtBase' ? (values[i] ?? values[TOTAL_FIELDS.indexOf('spent')]) : values[i];
      totals[field] = numberIn(value, `${keys[0]} field ${field}`);
    });
    const book: LeaseBook = { totals, holders: {} };
    ids.forEach((id, i) => {
      const line = lines[i];
      if (line) book.holders[id] = holderOf(line, `${keys[1]} field ${id}`);
    });
    return { rev: rev ?? '', book };
  }

  async write(
    budget: string,
    periodEnd: string,
    rev: string,
    changes: LeaseBookChanges,
    expireAtMs: number,
  ): Promise<boolean> {
    const keys = leaseBookKeys(budget, periodEnd);
    this.mustBeConnected(`write ${keys[0]}`);
    const lines = Object.entries(changes.holders);
    const args = [...keys, rev, String(Math.ceil(expireAtMs))];
    for (const field of TOTAL_FIELDS) args.push(String(changes.totals[field]));
    args.push(String(lines.length));
    for (const [id, h] of lines) {
      args.push(id, lineOf(h), String(h.exp), String(h.seen));
    }
    args.push(...changes.forgotten);
    return (await this.redis.writeLeaseBook(...args)) !== 0;
  }

  /** A lease answered late is worse than none: fail at once while the connection is down. */
  private mustBeConnected(what: string): void {
    const status = this.redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new Error(`${what}: the usage store is not connected (${status}); retry`);
    }
  }
}

/** A holder's line: out, exp, settled, charged, rate, seen — six whole numbers separated by spaces. */
export function lineOf(h: LeaseHolder): string {
  return `${h.out} ${h.exp} ${h.settled} ${h.charged} ${h.rate} ${h.seen}`;
}

export function holderOf(line: string, where: string): LeaseHolder {
  const n = line.split(' ').map(Number);
  if (n.length !== 6 || n.some((v) => !Number.isFinite(v))) {
    throw new Error(
      `Redis ${where} is "${line}", expected six numbers (out exp settled charged rate seen); it is written ` +
        'only by agent-governor: delete the book’s keys, the budget lease book opens anew',
    );
  }
  const [out, exp, settled, charged, rate, seen] = n as [number, number, number, number, number, number];
  return { out, exp, settled, charged, rate, seen };
}

function numberIn(value: string | null | undefined, where: string): number {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) {
    throw new Error(
      `Redis ${where} is ${JSON.stringify(value)}, expected a number; delete the book’s keys, it opens anew`,
    );
  }
  return n;
}
