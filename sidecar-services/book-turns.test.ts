import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BookTurns } from './book-turns.js';

describe('BookTurns', () => {
  it('runs the turns of one key one after the other, of different keys side by side', async () => {
    const turns = new BookTurns();
    const log: string[] = [];
    const turn = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await sleep(ms);
      log.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([
      turns.run('a', turn('a1', 20)),
      turns.run('a', turn('a2', 1)),
      turns.run('b', turn('b1', 5)),
    ]);
    assert.deepEqual(results, ['a1', 'a2', 'b1']);
    assert.ok(log.indexOf('a1-') < log.indexOf('a2+'), log.join());
    assert.ok(log.indexOf('b1+') < log.indexOf('a1-'), log.join());
  });

  it('goes on after a failed turn', async () => {
    const turns = new BookTurns();
    const failed = turns.run('a', async () => {
      throw new Error('the store is away');
    });
    await assert.rejects(failed, /the store is away/);
    assert.equal(await turns.run('a', async () => 'next'), 'next');
  });
});
