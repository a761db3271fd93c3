import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holderOf, leaseBookKeys, lineOf } from './redis-lease-books.js';

describe('lease book lines and keys', () => {
  it('writes a holder as six numbers and reads it back', () => {
    const holder = {
      out: 1_050,
      exp: 1_700_000_005_000,
      settled: 12_345,
      charged: 0,
      rate: 201,
      seen: 1_700_000_000_000,
    };
    assert.equal(lineOf(holder), '1050 1700000005000 12345 0 201 1700000000000');
    assert.deepEqual(holderOf(lineOf(holder), 'h'), holder);
  });

  it('refuses a line that is not six numbers, naming where it is', () => {
    assert.throws(() => holderOf('1 2 3', 'key field a'), /key field a is "1 2 3", expected six numbers/);
    assert.throws(() => holderOf('1 2 3 4 5 x', 'key field a'), /expected six numbers/);
  });

  it('keeps a book’s four keys in one hash slot', () => {
    const keys = leaseBookKeys('team/daily', '2026-12-08T00:00:00Z');
    assert.deepEqual(keys, [
      'agent-governor:lease:{team/daily@2026-12-08T00:00:00Z}:totals',
      'agent-governor:lease:{team/daily@2026-12-08T00:00:00Z}:holders',
      'agent-governor:lease:{team/daily@2026-12-08T00:00:00Z}:live',
      'agent-governor:lease:{team/daily@2026-12-08T00:00:00Z}:seen',
    ]);
  });
});
