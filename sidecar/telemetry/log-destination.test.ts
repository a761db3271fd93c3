import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

// In a child process of its own: the destination is stdout, one per process.
const CHILD = `
import { pino } from 'pino';
import { turnBatchedStdout } from ${JSON.stringify(new URL('./log-destination.js', import.meta.url).href)};
const logger = pino({ base: null, timestamp: false }, turnBatchedStdout());
logger.info({ n: 1 }, 'first');
logger.info({ n: 2 }, 'second');
process.stderr.write('logged two\\n');
setImmediate(() => {
  process.stderr.write('next turn\\n');
  logger.info({ n: 3 }, 'third');
  process.exit(0);
});
`;

describe('turnBatchedStdout', () => {
  it('writes the lines of a turn after it, together, and what is held at exit', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      cwd: new URL('.', import.meta.url),
    });
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { n: number; msg: string });
    assert.deepEqual(
      lines.map((line) => [line.n, line.msg]),
      [
        [1, 'first'],
        [2, 'second'],
        [3, 'third'],
      ],
    );
    assert.equal(result.stderr, 'logged two\nnext turn\n');
  });
});
