import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { budgetLeaseRequest } from '../apis/budget-lease.js';
import { readJsonRequest } from './json-request.js';

function body(text: string): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(text)]), { headers: {} }) as unknown as IncomingMessage;
}
const valid = {
  agent: { namespace: 'team-a', name: 'support' },
  holder: 'lease-1',
  budgets: [
    { budget: 'team-a/daily', settledTokens: 0, reservedTokens: 0, ratePerSecond: 0, callTokens: 100 },
  ],
};
const read = (text: string, max = 4096) =>
  readJsonRequest(body(text), max, budgetLeaseRequest, 'the budget lease request');

describe('readJsonRequest', () => {
  it('answers the parsed value, defaults applied', async () => {
    const r = await read(JSON.stringify(valid));
    assert.ok(r.ok);
    assert.equal(r.value.budgets[0]?.release, false);
  });

  const refused: [string, string, number, RegExp][] = [
    ['not JSON', '{', 400, /^the budget lease request is not JSON: /],
    [
      'a field out of range',
      JSON.stringify({ ...valid, budgets: [{ ...valid.budgets[0], settledTokens: -1 }] }),
      400,
      /^the budget lease request is invalid: budgets\[0\]\.settledTokens: /,
    ],
    ['a bad holder id', JSON.stringify({ ...valid, holder: 'a b' }), 400, /holder: must be 1 to 128 letters/],
    ['too large', JSON.stringify(valid), 413, /larger than 10 bytes/],
  ];
  for (const [name, text, status, message] of refused) {
    it(`refuses ${name} with ${status}`, async () => {
      const r = await read(text, status === 413 ? 10 : 4096);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.status, status);
      assert.match(r.error.message, message);
    });
  }
});
