import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, entry } from '../apis/ledger/testdata/batches.js';
import { readUsageBatch } from './usage-batch-reading.js';

describe('readUsageBatch', () => {
  const good = batch(3, [entry('2025-03-11T10:00:00Z', 2)]);

  it('reads a valid batch', () => {
    const reading = readUsageBatch(Buffer.from(JSON.stringify(good)));
    assert.deepEqual(reading, { ok: true, batch: good });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{"apiVersion":', /the usage batch is not JSON/],
    ['a sequence of 0', { ...good, sequence: 0 }, /the usage batch is invalid: sequence: /],
    [
      'an entry with a bad minute',
      { ...good, entries: [{ ...good.entries[0], minute: 'yesterday' }] },
      /entries\[0\]\.minute: /,
    ],
    [
      'a latency histogram of the wrong length',
      { ...good, entries: [{ ...good.entries[0], latencyBuckets: [1] }] },
      /entries\[0\]\.latencyBuckets: /,
    ],
    ['no agent', { ...good, agent: undefined }, /agent: /],
  ];
  for (const [name, body, message] of bad) {
    it(`refuses ${name}, naming the field`, () => {
      const reading = readUsageBatch(typeof body === 'string' ? body : JSON.stringify(body));
      assert.equal(reading.ok, false);
      if (!reading.ok) assert.match(reading.message, message);
    });
  }

  it('quotes at most three problems and counts the rest', () => {
    const reading = readUsageBatch('{}');
    assert.equal(reading.ok, false);
    if (!reading.ok) assert.match(reading.message, /\(and \d+ more\)$/);
  });
});
