import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyRateLimiter } from './rate-limiter.js';

describe('KeyRateLimiter', () => {
  it('backs each key off on its own and forgets it after a success', () => {
    const limiter = new KeyRateLimiter({ now: () => 0 });
    assert.deepEqual([limiter.when('a'), limiter.when('a'), limiter.when('a')], [5, 10, 20]);
    assert.equal(limiter.when('b'), 5, 'another key starts at the initial delay');
    assert.equal(limiter.failuresOf('a'), 3);
    limiter.forget('a');
    assert.equal(limiter.failuresOf('a'), 0);
    assert.equal(limiter.when('a'), 5);
  });

  it('holds back a flood of failing keys with the overall bucket', () => {
    const limiter = new KeyRateLimiter({ perSecond: 10, burst: 2, now: () => 0 });
    const delays = ['a', 'b', 'c', 'd'].map((key) => limiter.when(key));
    assert.deepEqual(delays, [5, 5, 100, 200]);
  });
});
