import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectiveRoute } from '../../apis/effective-policy.js';
import { withCacheTtlAtMost } from './agent-policy.js';

const route = (ttlMs?: number) =>
  ({
    name: 'gpt-4o',
    ...(ttlMs ? { cache: { ttlMs, maxEntries: 10, maxBytes: 1000 } } : {}),
  }) as unknown as EffectiveRoute;

describe('withCacheTtlAtMost', () => {
  it('caps a route cache at the RetentionPolicy responseCache, leaves shorter ones and no cache alone', () => {
    assert.equal(withCacheTtlAtMost(route(7_200_000), 3_600_000).cache?.ttlMs, 3_600_000);
    assert.equal(withCacheTtlAtMost(route(60_000), 3_600_000).cache?.ttlMs, 60_000);
    assert.equal(withCacheTtlAtMost(route(), 3_600_000).cache, undefined);
    assert.equal(withCacheTtlAtMost(route(7_200_000), undefined).cache?.ttlMs, 7_200_000);
  });
});
