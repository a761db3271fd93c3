import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from './work-queue.js';

function drain(queue: WorkQueue): string[] {
  const keys: string[] = [];
  for (let key = queue.take(); key !== undefined; key = queue.take()) keys.push(key);
  return keys;
}

describe('WorkQueue', () => {
  it('hands out keys in the order they were added, each once', () => {
    const queue = new WorkQueue();
    for (const key of ['a', 'b', 'a', 'c', 'b']) queue.add(key);
    assert.equal(queue.depth, 3);
    assert.deepEqual(drain(queue), ['a', 'b', 'c']);
  });

  it('runs a key re-added during processing once more, after it is done', () => {
    const queue = new WorkQueue();
    queue.add('a');
    assert.equal(queue.take(), 'a');
    queue.add('a');
    queue.add('a');
    assert.equal(queue.take(), undefined, 'never handed out twice at the same time');
    queue.done('a');
    assert.deepEqual(drain(queue), ['a']);
    queue.done('a');
    assert.equal(queue.take(), undefined);
  });

  it('tells the controller whenever a key becomes ready', () => {
    let ready = 0;
    const queue = new WorkQueue({ onReady: () => ready++ });
    queue.add('a');
    queue.add('a');
    assert.equal(ready, 1);
    queue.take();
    queue.add('a');
    queue.done('a');
    assert.equal(ready, 2);
  });

  it('adds a delayed key when its time comes, the earliest delay winning', async () => {
    const queue = new WorkQueue();
    queue.addAfter('a', 400);
    queue.addAfter('a', 20);
    queue.addAfter('a', 300);
    assert.equal(queue.take(), undefined);
    assert.equal(queue.delayedCount, 1);
    await sleep(60);
    assert.equal(queue.take(), 'a');
    queue.done('a');
    await sleep(400);
    assert.equal(queue.take(), undefined, 'the later delays were dropped');
  });

  it('backs a failing key off exponentially and resets after forget', async () => {
    const queue = new WorkQueue();
    assert.deepEqual([queue.addRateLimited('a'), queue.addRateLimited('a')], [5, 10]);
    assert.equal(queue.failuresOf('a'), 2);
    queue.forget('a');
    assert.equal(queue.failuresOf('a'), 0);
    await sleep(30);
    assert.equal(queue.take(), 'a');
  });

  it('drops everything and refuses new keys after shutDown', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.addAfter('b', 10);
    queue.shutDown();
    queue.add('c');
    await sleep(30);
    assert.equal(queue.take(), undefined);
    assert.equal(queue.depth, 0);
    assert.equal(queue.delayedCount, 0);
  });

  it('keeps its order over many keys', () => {
    const queue = new WorkQueue();
    const keys = Array.from({ length: 5_000 }, (_, i) => `ns/obj-${i}`);
    for (const key of keys) queue.add(key);
    assert.deepEqual(drain(queue), keys);
  });
});
