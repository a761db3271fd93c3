import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atMostAtOnce } from './namespace-workloads.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('atMostAtOnce', () => {
  it('keeps at most the given number of reads in flight and returns results in order', async () => {
    let running = 0;
    let most = 0;
    const reads = Array.from({ length: 10 }, (_, i) => async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      return i * 2;
    });
    assert.deepEqual(await atMostAtOnce(3, reads), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.equal(most, 3);
  });

  it('throws the first failure once the running reads settled, and starts no more', async () => {
    let started = 0;
    let finished = 0;
    const reads = Array.from({ length: 10 }, (_, i) => async () => {
      started++;
      await tick();
      finished++;
      if (i === 1) throw new Error('the residency audit cannot list pods in namespace b: 403');
      return i;
    });
    await assert.rejects(atMostAtOnce(2, reads), /cannot list pods in namespace b/);
    assert.equal(finished, started, 'no read is left running');
    assert.ok(started < 10, `${started} reads started`);
  });

  it('reads nothing for no reads', async () => {
    assert.deepEqual(await atMostAtOnce(4, []), []);
  });
});
