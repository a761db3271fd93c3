import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeferredUpkeep } from './deferred-upkeep.js';

describe('DeferredUpkeep', () => {
  it('sweeps at start and on every interval, and stops', async () => {
    const sweeps: number[] = [];
    const upkeep = new DeferredUpkeep({
      jobs: { sweep: (now) => sweeps.push(now), submitted: () => [] },
      calls: { check: async () => {} },
      intervalMs: 10,
      now: () => 42,
      onError: (err) => assert.fail(err),
    });
    upkeep.start();
    assert.equal(sweeps.length, 1, 'the first round runs at start');
    await sleep(60);
    await upkeep.stop();
    const after = sweeps.length;
    assert.ok(after >= 3, `rounds on the interval: ${after}`);
    assert.ok(sweeps.every((n) => n === 42));
    await sleep(40);
    assert.equal(sweeps.length, after, 'no round after stop');
  });

  it('reports a failing sweep and goes on', async () => {
    const errors: string[] = [];
    const upkeep = new DeferredUpkeep({
      jobs: {
        sweep: () => {
          throw new Error('disk gone');
        },
        submitted: () => [],
      },
      calls: { check: async () => {} },
      intervalMs: 5,
      onError: (err) => errors.push(err.message),
    });
    upkeep.start();
    await sleep(30);
    await upkeep.stop();
    assert.ok(errors.length >= 2);
    assert.equal(errors[0], 'disk gone');
  });

  it('checks the submitted jobs each round, one after another, past one that fails', async () => {
    const checked: string[] = [];
    const errors: string[] = [];
    const upkeep = new DeferredUpkeep({
      jobs: { sweep: () => 0, submitted: (max) => ['dfr_a', 'dfr_b', 'dfr_c'].slice(0, max) },
      calls: {
        check: async (id) => {
          checked.push(id);
          if (id === 'dfr_b') throw new Error('provider down');
        },
      },
      intervalMs: 60_000,
      onError: (err) => errors.push(err.message),
    });
    await upkeep.round();
    await upkeep.stop();
    assert.deepEqual(checked, ['dfr_a', 'dfr_b', 'dfr_c']);
    assert.deepEqual(errors, ['deferred call dfr_b: provider down']);
  });

  it('refuses an interval that is not positive', () => {
    assert.throws(
      () =>
        new DeferredUpkeep({
          jobs: { sweep: () => 0, submitted: () => [] },
          calls: { check: async () => {} },
          intervalMs: 0,
          onError: () => {},
        }),
      /intervalMs must be a positive number of milliseconds, got 0/,
    );
  });
});
