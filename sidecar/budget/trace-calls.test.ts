import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceCalls } from './trace-calls.js';

describe('TraceCalls', () => {
  it('counts calls per trace', () => {
    const calls = new TraceCalls();
    calls.add('a');
    calls.add('a');
    calls.add('b');
    assert.equal(calls.count('a'), 2);
    assert.equal(calls.count('b'), 1);
    assert.equal(calls.count('c'), 0);
  });

  it('forgets a trace ttl after its last call', () => {
    let now = 1_000_000;
    const calls = new TraceCalls({ ttlMs: 60_000, now: () => now });
    calls.add('a');
    now += 59_000;
    calls.add('a');
    now += 59_000;
    assert.equal(calls.count('a'), 2);
    now += 2_000;
    assert.equal(calls.count('a'), 0);
  });

  it('remembers at most maxTraces traces, least recently used forgotten first', () => {
    const calls = new TraceCalls({ maxTraces: 100 });
    for (let i = 0; i < 1000; i++) calls.add(`trace-${i}`);
    assert.equal(calls.size, 100);
    assert.equal(calls.count('trace-0'), 0);
    assert.equal(calls.count('trace-999'), 1);
  });
});
