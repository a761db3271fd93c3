import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceCallCounter } from './trace-call-counter.js';

describe('TraceCallCounter', () => {
  it('counts the calls of a trace from every sidecar of an agent up to the limit', () => {
    const counter = new TraceCallCounter();
    const take = (seen: number) => counter.take('team-a', 'support', { traceId: 't1', limit: 3, seen });
    assert.deepEqual(take(0), { admitted: true, calls: 1 }); // pod A, its first call
    assert.deepEqual(take(0), { admitted: true, calls: 2 }); // pod B, its first call
    assert.deepEqual(take(1), { admitted: true, calls: 3 }); // pod A again
    assert.deepEqual(take(1), { admitted: false, calls: 3 }); // pod B: over, across the pods
  });

  it('keeps agents and traces apart', () => {
    const counter = new TraceCallCounter();
    const limit = 1;
    assert.equal(counter.take('team-a', 'support', { traceId: 't1', limit, seen: 0 }).admitted, true);
    assert.equal(counter.take('team-a', 'billing', { traceId: 't1', limit, seen: 0 }).admitted, true);
    assert.equal(counter.take('team-b', 'support', { traceId: 't1', limit, seen: 0 }).admitted, true);
    assert.equal(counter.take('team-a', 'support', { traceId: 't2', limit, seen: 0 }).admitted, true);
    assert.equal(counter.take('team-a', 'support', { traceId: 't1', limit, seen: 0 }).admitted, false);
  });

  it('forgets a trace an hour (its TTL) after its last call, and keeps a bounded number', () => {
    const clock = { now: 1_000_000 };
    const counter = new TraceCallCounter({ ttlMs: 60_000, maxTraces: 2, now: () => clock.now });
    counter.take('ns', 'a', { traceId: 't1', limit: 1, seen: 0 });
    assert.equal(counter.take('ns', 'a', { traceId: 't1', limit: 1, seen: 0 }).admitted, false);
    clock.now += 61_000;
    assert.equal(counter.take('ns', 'a', { traceId: 't1', limit: 1, seen: 0 }).admitted, true);
    counter.take('ns', 'a', { traceId: 't2', limit: 1, seen: 0 });
    counter.take('ns', 'a', { traceId: 't3', limit: 1, seen: 0 });
    assert.equal(counter.size, 2);
  });
});
