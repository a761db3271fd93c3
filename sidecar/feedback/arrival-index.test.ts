import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArrivalIndex } from './arrival-index.js';

function drain(index: ArrivalIndex<string, number>): number[] {
  const out: number[] = [];
  for (let v = index.takeOldest(); v !== undefined; v = index.takeOldest()) out.push(v);
  return out;
}

describe('ArrivalIndex', () => {
  it('gives the oldest first, and a key set again becomes the newest', () => {
    const index = new ArrivalIndex<string, number>();
    index.set('a', 1);
    index.set('b', 2);
    index.set('c', 3);
    assert.equal(index.set('a', 4), 1, 'set returns the value the key had');
    assert.equal(index.size, 3);
    assert.equal(index.get('a'), 4);
    assert.equal(index.oldest(), 2);
    assert.deepEqual(drain(index), [2, 3, 4]);
    assert.equal(index.size, 0);
    assert.equal(index.get('b'), undefined);
    assert.equal(index.oldest(), undefined);
  });

  it('takes out only the oldest, leaving the others findable', () => {
    const index = new ArrivalIndex<string, number>();
    for (let i = 0; i < 5; i++) index.set(`k${i}`, i);
    assert.equal(index.takeOldest(), 0);
    assert.equal(index.get('k0'), undefined);
    assert.equal(index.get('k4'), 4);
    assert.equal(index.size, 4);
  });

  it('keeps its queue within a few times its size when one key is set over and over', () => {
    const index = new ArrivalIndex<string, number>();
    index.set('first', -1);
    for (let i = 0; i < 100_000; i++) index.set('same', i);
    assert.equal(index.size, 2);
    assert.ok(index.held <= 2 * 2 + 65, `held ${index.held} slots for 2 entries`);
    assert.deepEqual(drain(index), [-1, 99_999]);
  });

  it('keeps order through the compactions of a long run as a bounded queue', () => {
    const index = new ArrivalIndex<string, number>();
    for (let i = 0; i < 50_000; i++) {
      index.set(`k${i}`, i);
      if (i % 7 === 0) index.set(`k${i - 3}`, i - 3);
      while (index.size > 1000) index.takeOldest();
    }
    assert.ok(index.held <= 2 * index.size + 64 + 1024, `held ${index.held} for ${index.size}`);
    const values = drain(index);
    assert.equal(values.length, 1000);
    assert.equal(values.at(-1), 49_999);
    assert.equal(new Set(values).size, values.length, 'each key once');
  });
});
