import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverallRateLimit } from './overall-rate-limit.js';

describe('OverallRateLimit', () => {
  it('lets a burst through, then spaces requests at the refill rate', () => {
    const now = 0;
    const bucket = new OverallRateLimit(10, 3, () => now);
    assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 0]);
    // Empty: the 4th token arrives after 100 ms, the 5th after 200 ms (both already reserved).
    assert.equal(bucket.reserve(), 100);
    assert.equal(bucket.reserve(), 200);
  });

  it('refills over time, never above the burst', () => {
    let now = 0;
    const bucket = new OverallRateLimit(10, 2, () => now);
    bucket.reserve();
    bucket.reserve();
    now = 60_000;
    assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 100]);
  });
});
