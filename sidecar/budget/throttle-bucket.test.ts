import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ThrottleBucket } from './throttle-bucket.js';

describe('ThrottleBucket', () => {
  it('60 per minute: one now, the next after a second', () => {
    const bucket = new ThrottleBucket(60, 0);
    assert.equal(bucket.take(0), true);
    assert.equal(bucket.take(0), false);
    assert.equal(bucket.waitMs(0), 1000);
    assert.equal(bucket.waitMs(400), 600);
    assert.equal(bucket.take(999), false);
    assert.equal(bucket.take(1000), true);
  });

  it('6 per minute: one every ten seconds', () => {
    const bucket = new ThrottleBucket(6, 0);
    assert.equal(bucket.take(0), true);
    assert.equal(bucket.waitMs(0), 10_000);
    assert.equal(bucket.take(10_000), true);
  });

  it('600 per minute: a burst of ten, then ten per second', () => {
    const bucket = new ThrottleBucket(600, 0);
    let passed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take(0)) passed++;
    assert.equal(passed, 10);
    passed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take(1000)) passed++;
    assert.equal(passed, 10);
  });

  it('lets through no more than the rate over a long run', () => {
    const bucket = new ThrottleBucket(120, 0);
    let passed = 0;
    for (let t = 0; t <= 60_000; t += 50) if (bucket.take(t)) passed++;
    assert.ok(passed >= 120 && passed <= 122, `passed ${passed}`);
  });

  it('a clock that goes backwards does not mint tokens', () => {
    const bucket = new ThrottleBucket(60, 10_000);
    assert.equal(bucket.take(10_000), true);
    assert.equal(bucket.take(5_000), false);
    assert.equal(bucket.take(10_500), false);
  });
});
