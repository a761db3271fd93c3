import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, backoffDelay, informerBackoff, reconcileBackoff } from './backoff.js';

describe('backoffDelay', () => {
  const exact = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0 };
  const cases: Array<[string, number, number]> = [
    ['the first retry waits the initial delay', 0, 100],
    ['each retry doubles', 1, 200],
    ['… and doubles again', 3, 800],
    ['growth stops at the cap', 4, 1_000],
    ['a huge attempt count stays at the cap', 5_000, 1_000],
    ['a negative attempt is treated as the first', -3, 100],
  ];
  for (const [name, attempt, expected] of cases) {
    it(name, () => assert.equal(backoffDelay(attempt, exact), expected));
  }

  it('spreads by ±jitter around the exponential delay', () => {
    const policy = { ...exact, jitter: 0.5 };
    assert.equal(
      backoffDelay(1, policy, () => 0),
      100,
    );
    assert.equal(
      backoffDelay(1, policy, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelay(1, policy, () => 1),
      300,
    );
  });

  it('per-key reconcile retries start at 5 ms and are capped at 5 minutes', () => {
    assert.equal(backoffDelay(0, reconcileBackoff), 5);
    assert.equal(backoffDelay(10, reconcileBackoff), 5_120);
    assert.equal(backoffDelay(40, reconcileBackoff), 300_000);
  });

  it('informer restarts stay between 0.25 s and 45 s whatever the random draw', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      for (const draw of [0, 0.3, 0.99]) {
        const delay = backoffDelay(attempt, informerBackoff, () => draw);
        assert.ok(delay >= 250 && delay <= 45_000, `attempt ${attempt}, draw ${draw}: ${delay}`);
      }
    }
  });
});

describe('Backoff', () => {
  it('grows with each failure and starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 1_000, factor: 3, jitter: 0 });
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [10, 30, 90]);
    assert.equal(backoff.attempts, 3);
    backoff.reset();
    assert.equal(backoff.next(), 10);
  });
});
