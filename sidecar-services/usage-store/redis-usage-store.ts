// The usage store in Redis or Valkey: one connection for commits and reads, a second one (made by
// the feed for each watch) for the change subscription.
import { Redis } from 'ioredis';
import type { RedisConnection } from './redis-connection.js';
import { RedisLeaseBooks } from './redis-lease-books.js';
import { RedisLedgerFeed, type RedisLedgerFeedOptions } from './redis-ledger-feed.js';
import { RedisLedgerTable, type RedisLedgerTableOptions } from './redis-ledger-table.js';
import type { UsageStore } from './usage-store.js';

export interface RedisUsageStoreOptions extends RedisLedgerFeedOptions, RedisLedgerTableOptions {
  /** Connection errors (the client reconnects by itself); default ignored. */
  onError?: (err: Error) => void;
}

export function redisUsageStore(
  connection: RedisConnection,
  options: RedisUsageStoreOptions = {},
): UsageStore {
  const redis = new Redis(connection.options);
  redis.on('error', (err: Error) => options.onError?.(err));
  const table = new RedisLedgerTable(redis, options);
  return {
    kind: 'redis',
    describe: connection.describe,
    ledgers: table,
    reader: table,
    ledgerFeed: new RedisLedgerFeed(redis, table, options),
    leases: new RedisLeaseBooks(redis),
    async ready() {
      try {
        await redis.ping();
      } catch (err) {
        throw new Error(`the usage store ${connection.describe} does not answer: ${(err as Error).message}`);
      }
    },
    async close() {
      if (redis.status === 'wait' || redis.status === 'end') return redis.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
