import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWatchAnswer, WatchLineTooLong, watchLines } from './watch-lines.js';

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

async function all(lines: AsyncIterable<string>): Promise<string[]> {
  const read: string[] = [];
  for await (const line of lines) read.push(line);
  return read;
}

describe('watchLines', () => {
  it('cuts lines across chunks and skips empty ones', async () =>
    assert.deepEqual(await all(watchLines(chunks('{"a":', '1}\n\n{"b"', ':2}\n{"c":3}'), 100)), [
      '{"a":1}',
      '{"b":2}',
    ]));

  it('refuses a line longer than its bound', async () =>
    assert.rejects(all(watchLines(chunks('x'.repeat(8), 'y'.repeat(8)), 10)), WatchLineTooLong));
});

describe('isWatchAnswer', () => {
  it('knows the watch by its content type, parameters aside', () => {
    assert.equal(isWatchAnswer('application/x-ndjson'), true);
    assert.equal(isWatchAnswer('Application/X-NDJSON; charset=utf-8'), true);
    assert.equal(isWatchAnswer(['application/x-ndjson']), true);
    assert.equal(isWatchAnswer('application/json'), false);
    assert.equal(isWatchAnswer(undefined), false);
  });
});
