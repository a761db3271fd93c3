import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BookBatches } from './book-batches.js';

describe('BookBatches', () => {
  it('decides the asks that arrive while a turn runs together in the next turn', async () => {
    const batches = new BookBatches<string, string>();
    const turns: string[][] = [];
    let firstStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const turn = async (items: string[]) => {
      turns.push(items);
      firstStarted();
      await released;
      return items.map((i) => `${i}!`);
    };
    const first = [batches.submit('a', 'a1', turn), batches.submit('a', 'a2', turn)];
    await started; // the first turn runs
    const later = [
      batches.submit('a', 'a3', turn),
      batches.submit('a', 'a4', turn),
      batches.submit('a', 'a5', turn),
    ];
    assert.equal(batches.waiting('a'), 3);
    release();
    assert.deepEqual(await Promise.all([...first, ...later]), ['a1!', 'a2!', 'a3!', 'a4!', 'a5!']);
    assert.deepEqual(turns, [
      ['a1', 'a2'],
      ['a3', 'a4', 'a5'],
    ]);
  });

  it('runs turns of one key one after the other, of different keys side by side', async () => {
    const batches = new BookBatches<string, string>();
    const log: string[] = [];
    let aStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      aStarted = resolve;
    });
    let releaseA: () => void = () => undefined;
    const aHeld = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const held = async (items: string[]) => {
      log.push(`${items.join()}+`);
      aStarted();
      await aHeld;
      log.push(`${items.join()}-`);
      return items;
    };
    const quick = async (items: string[]) => {
      log.push(`${items.join()}+`, `${items.join()}-`);
      return items;
    };
    const a1 = batches.submit('a', 'a1', held);
    await started;
    const a2 = batches.submit('a', 'a2', quick);
    // b's turn runs and ends while a's first turn is still held.
    assert.equal(await batches.submit('b', 'b1', quick), 'b1');
    assert.deepEqual(log, ['a1+', 'b1+', 'b1-']);
    releaseA();
    assert.deepEqual(await Promise.all([a1, a2]), ['a1', 'a2']);
    assert.deepEqual(log, ['a1+', 'b1+', 'b1-', 'a1-', 'a2+', 'a2-']);
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
