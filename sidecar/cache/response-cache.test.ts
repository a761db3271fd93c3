import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CachedResponse } from './cacheable-response.js';
import { type CacheLimits, ResponseCache } from './response-cache.js';

const LIMITS: CacheLimits = { ttlMs: 60_000, maxEntries: 100, maxBytes: 1_000_000 };

function answer(text: string, overrides: Partial<CachedResponse> = {}): CachedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ choices: [{ message: { content: text } }] })),
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, estimated: false },
    stream: false,
    ...overrides,
  };
}

function cacheAt(start = 1_000_000) {
  const clock = { now: start };
  return { cache: new ResponseCache({ now: () => clock.now }), clock };
}

describe('ResponseCache', () => {
  it('returns what was stored, for the same route and key only', () => {
    const { cache } = cacheAt();
    assert.equal(cache.set('gpt-4o', 'k1', answer('one'), LIMITS), true);
    assert.equal(cache.get('gpt-4o', 'k1')?.body.toString(), answer('one').body.toString());
    assert.equal(cache.get('gpt-4o', 'k2'), undefined);
    assert.equal(cache.get('claude', 'k1'), undefined);
  });

  it('replays a stored stream byte for byte', () => {
    const { cache } = cacheAt();
    const bytes = Buffer.from('data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n');
    cache.set(
      'r',
      'k',
      answer('', { stream: true, body: bytes, headers: { 'content-type': 'text/event-stream' } }),
      LIMITS,
    );
    assert.deepEqual(cache.get('r', 'k')?.body, bytes);
    assert.equal(cache.get('r', 'k')?.stream, true);
  });

  it('forgets an entry after its TTL', () => {
    const { cache, clock } = cacheAt();
    cache.set('r', 'k', answer('one'), { ...LIMITS, ttlMs: 1000 });
    clock.now += 999;
    assert.ok(cache.get('r', 'k'));
    clock.now += 2;
    assert.equal(cache.get('r', 'k'), undefined);
  });

  it('keeps at most maxEntries, least recently used leaving first', () => {
    const { cache } = cacheAt();
    const limits = { ...LIMITS, maxEntries: 3 };
    for (const k of ['a', 'b', 'c']) cache.set('r', k, answer(k), limits);
    cache.get('r', 'a');
    cache.set('r', 'd', answer('d'), limits);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((k) => cache.get('r', k) !== undefined),
      [true, false, true, true],
    );
  });

  it('keeps the bytes under maxBytes', () => {
    const { cache } = cacheAt();
    const limits = { ...LIMITS, maxBytes: 2000 };
    const big = (k: string) => answer(k.repeat(400));
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set('r', k, big(k), limits);
    const [stats] = cache.stats();
    assert.ok(stats && stats.bytes <= 2000, `holds ${stats?.bytes} bytes`);
    assert.ok(cache.get('r', 'e'), 'the newest entry is kept');
    assert.equal(cache.get('r', 'a'), undefined, 'the oldest left');
  });

  it("refuses an entry bigger than the route's maxBytes", () => {
    const { cache } = cacheAt();
    assert.equal(cache.set('r', 'k', answer('x'.repeat(5000)), { ...LIMITS, maxBytes: 1000 }), false);
    assert.equal(cache.get('r', 'k'), undefined);
  });

  it('never stores an answer that is not a complete 200', () => {
    const { cache } = cacheAt();
    assert.equal(cache.set('r', 'a', answer('x', { status: 500 }), LIMITS), false);
    assert.equal(
      cache.set(
        'r',
        'b',
        answer('', { stream: true, body: Buffer.from('data: {"choices":[]}\n\n') }),
        LIMITS,
      ),
      false,
    );
    assert.equal(cache.set('r', 'c', answer('x', { complete: false }), LIMITS), false);
    assert.deepEqual(
      ['a', 'b', 'c'].map((k) => cache.get('r', k)),
      [undefined, undefined, undefined],
    );
  });

  it('starts an empty cache for a route whose limits change, and drops routes the policy no longer has', () => {
    const { cache } = cacheAt();
    cache.set('r', 'k', answer('one'), LIMITS);
    cache.set('s', 'k', answer('two'), LIMITS);
    cache.set('r', 'other', answer('three'), { ...LIMITS, ttlMs: 5000 });
    assert.equal(cache.get('r', 'k'), undefined);
    assert.ok(cache.get('r', 'other'));
    cache.retainRoutes(['r']);
    assert.equal(cache.get('s', 'k'), undefined);
    assert.deepEqual(
      cache.stats().map((s) => s.route),
      ['r'],
    );
  });
});
