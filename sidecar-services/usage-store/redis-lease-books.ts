// Budget lease books in Redis or Valkey (docs/adr/0062-budget-leases.md): one hash per budget and
// period, `doc` (the book as JSON) and `rev`, written by one Lua script only at the revision read —
// the pattern of the ledgers (redis-ledger-table.ts): the arithmetic stays in TypeScript
// (../budget-lease-book.ts), the script makes read-decide-write one atomic step across replicas.
// The key expires an hour after the period ends.
import type { Redis } from 'ioredis';
import type { LeaseBook } from '../budget-lease-book.js';
import { KEY_PREFIX } from './redis-ledger-table.js';

export const LEASE_PREFIX = `${KEY_PREFIX}lease:`;

/** A book as read: `rev` '' when there is none yet. */
export interface StoredLeaseBook {
  rev: string;
  book: LeaseBook | undefined;
}

/** Where lease books are kept; only a shared store has them (the API-server store does not). */
export interface LeaseBooks {
  read(budget: string, periodEnd: string): Promise<StoredLeaseBook>;
  /** Writes `book` if the stored revision is still `rev`; false when another writer came first. */
  write(
    budget: string,
    periodEnd: string,
    rev: string,
    book: LeaseBook,
    expireAtMs: number,
  ): Promise<boolean>;
}

/** KEYS[1] the book; ARGV[1] the revision read ('' to create), ARGV[2] the book JSON, ARGV[3] expiry (epoch ms). */
export const WRITE_LEASE_BOOK_LUA = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] == '' then
  if rev then return 0 end
elseif rev ~= ARGV[1] then
  return 0
end
local next = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'doc', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return next
`;

interface WithLeaseWrite {
  writeLeaseBook(key: string, rev: string, doc: string, expireAt: string): Promise<number>;
}

/** `agent-governor:lease:<namespace/budget>@<periodEnd>`. */
export function leaseBookKey(budget: string, periodEnd: string): string {
  return `${LEASE_PREFIX}${budget}@${periodEnd}`;
}

export class RedisLeaseBooks implements LeaseBooks {
  private readonly redis: Redis & WithLeaseWrite;

  constructor(redis: Redis) {
    redis.defineCommand('writeLeaseBook', { numberOfKeys: 1, lua: WRITE_LEASE_BOOK_LUA });
    this.redis = redis as Redis & WithLeaseWrite;
  }

  async read(budget: string, periodEnd: string): Promise<StoredLeaseBook> {
    const key = leaseBookKey(budget, periodEnd);
    this.mustBeConnected(`read ${key}`);
    const [rev, doc] = await this.redis.hmget(key, 'rev', 'doc');
    if (!rev || !doc) return { rev: '', book: undefined };
    try {
      return { rev, book: JSON.parse(doc) as LeaseBook };
    } catch (err) {
      throw new Error(
        `Redis key ${key}: field doc is not JSON (${(err as Error).message}); it is written only by ` +
          'agent-governor: delete the key, the budget lease book opens anew',
      );
    }
  }

  async write(
    budget: string,
    periodEnd: string,
    rev: string,
    book: LeaseBook,
    expireAtMs: number,
  ): Promise<boolean> {
    const key = leaseBookKey(budget, periodEnd);
    this.mustBeConnected(`write ${key}`);
    const written = await this.redis.writeLeaseBook(
      key,
      rev,
      JSON.stringify(book),
      String(Math.ceil(expireAtMs)),
    );
    return written !== 0;
  }

  /** A lease answered late is worse than none: fail at once while the connection is down. */
  private mustBeConnected(what: string): void {
    const status = this.redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new Error(`${what}: the usage store is not connected (${status}); retry`);
    }
  }
}
