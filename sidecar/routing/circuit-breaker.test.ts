import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

function breaker(settings = { failureThreshold: 3, openMs: 1000, halfOpenRequests: 1 }) {
  let now = 0;
  const changes: CircuitState[] = [];
  const b = new CircuitBreaker(
    settings,
    () => now,
    (s) => changes.push(s),
  );
  return { b, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures, not before', () => {
    const { b, changes } = breaker();
    b.failure();
    b.failure();
    assert.equal(b.state, 'Closed');
    assert.ok(b.tryAcquire());
    b.failure();
    assert.equal(b.state, 'Open');
    assert.equal(b.tryAcquire(), false);
    assert.deepEqual(changes, ['Open']);
  });

  it('forgets failures after a success', () => {
    const { b } = breaker();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    assert.equal(b.state, 'Closed');
  });

  it('goes Closed → Open → HalfOpen → Closed on a successful probe', () => {
    const { b, changes, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    advance(999);
    assert.equal(b.state, 'Open');
    advance(1);
    assert.equal(b.state, 'HalfOpen');
    assert.ok(b.tryAcquire(), 'one probe goes through');
    assert.equal(b.tryAcquire(), false, 'a second concurrent probe does not');
    b.success();
    assert.equal(b.state, 'Closed');
    assert.deepEqual(changes, ['Open', 'HalfOpen', 'Closed']);
  });

  it('opens again for another openMs when the probe fails', () => {
    const { b, changes, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    advance(1000);
    assert.ok(b.tryAcquire());
    b.failure();
    assert.equal(b.state, 'Open');
    advance(500);
    assert.equal(b.tryAcquire(), false);
    advance(500);
    assert.equal(b.state, 'HalfOpen');
    assert.deepEqual(changes, ['Open', 'HalfOpen', 'Open', 'HalfOpen']);
  });

  it('allows halfOpenRequests probes at once and frees a released slot', () => {
    const { b, advance } = breaker({ failureThreshold: 1, openMs: 10, halfOpenRequests: 2 });
    b.failure();
    advance(10);
    assert.ok(b.tryAcquire());
    assert.ok(b.tryAcquire());
    assert.equal(b.tryAcquire(), false);
    b.release();
    assert.ok(b.tryAcquire());
  });
});
