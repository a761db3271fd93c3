import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BookBatches } from './book-batches.js';

describe('BookBatches', () => {
  it('decides the asks that arrive while a turn runs together in the next turn', async () => {
    const batches = new BookBatches<string, string>();
    const turns: string[][] = [];
    const turn = async (items: string[]) => {
      turns.push(items);
      await sleep(20);
      return items.map((i) => `${i}!`);
    };
    const first = [batches.submit('a', 'a1', turn), batches.submit('a', 'a2', turn)];
    await sleep(5); // the first turn runs
    const later = [
      batches.submit('a', 'a3', turn),
      batches.submit('a', 'a4', turn),
      batches.submit('a', 'a5', turn),
    ];
    assert.deepEqual(await Promise.all([...first, ...later]), ['a1!', 'a2!', 'a3!', 'a4!', 'a5!']);
    assert.deepEqual(turns, [
      ['a1', 'a2'],
      ['a3', 'a4', 'a5'],
    ]);
  });

  it('runs turns of one key one after the other, of different keys side by side', async () => {
    const batches = new BookBatches<string, string>();
    const log: string[] = [];
    const turn = (ms: number) => async (items: string[]) => {
      log.push(`${items.join()}+`);
      await sleep(ms);
      log.push(`${items.join()}-`);
      return items;
    };
    const a1 = batches.submit('a', 'a1', turn(20));
    await sleep(5);
    const results = await Promise.all([
      a1,
      batches.submit('a', 'a2', turn(1)),
      batches.submit('b', 'b1', turn(5)),
    ]);
    assert.deepEqual(results, ['a1', 'a2', 'b1']);
    assert.ok(log.indexOf('a1-') < log.indexOf('a2+'), log.join());
    assert.ok(log.indexOf('b1+') < log.indexOf('a1-'), log.join());
  });

  it('takes at most its batch size in one turn', async () => {
    const batches = new BookBatches<number, number>(2);
    const sizes: number[] = [];
    const turn = async (items: number[]) => {
      sizes.push(items.length);
      return items;
    };
    await Promise.all([1, 2, 3, 4, 5].map((i) => batches.submit('a', i, turn)));
    assert.deepEqual(sizes, [2, 2, 1]);
  });

  it('fails every ask of a failed turn, and goes on with the next', async () => {
    const batches = new BookBatches<string, string>();
    const failing = async (): Promise<string[]> => {
      throw new Error('the store is away');
    };
    const failed = [batches.submit('a', 'a1', failing), batches.submit('a', 'a2', failing)];
    for (const f of failed) await assert.rejects(f, /the store is away/);
    assert.equal(await batches.submit('a', 'next', async (items) => items), 'next');
    assert.equal(batches.waiting('a'), 0);
  });
});
