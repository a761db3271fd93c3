import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StatusUpdate, sameStatus, statusPatch } from './status-update.js';

type Case = [string, Pick<StatusUpdate, 'current' | 'next' | 'patch'>, ReturnType<typeof statusPatch>];

const conditions = [{ type: 'Ready', status: 'True', reason: 'Audited' }];

describe('statusPatch', () => {
  const cases: Case[] = [
    [
      'no status yet: the whole status',
      { current: undefined, next: { phase: 'Active' } },
      replace({ phase: 'Active' }),
    ],
    [
      'the same status: nothing to write',
      { current: { phase: 'Active', conditions }, next: { phase: 'Active', conditions } },
      undefined,
    ],
    [
      'a field set to undefined is no field: nothing to write',
      { current: { phase: 'Active' }, next: { phase: 'Active', message: undefined } },
      undefined,
    ],
    [
      'a moved counter: the whole status',
      { current: { phase: 'Active', used: 1 }, next: { phase: 'Active', used: 2 } },
      replace({ phase: 'Active', used: 2 }),
    ],
    [
      'merge: the changed fields merged into the stored status',
      { current: { violationCount: 0 }, next: { violationCount: 1 }, patch: 'merge' },
      { type: 'merge', body: { status: { violationCount: 1 } } },
    ],
    [
      'merge: the same fields, nothing to write',
      { current: { agents: 2 }, next: { agents: 2 }, patch: 'merge' },
      undefined,
    ],
    [
      'a reordered list is a change',
      { current: { agents: ['a', 'b'] }, next: { agents: ['b', 'a'] } },
      replace({ agents: ['b', 'a'] }),
    ],
  ];
  for (const [name, update, expected] of cases) {
    it(name, () => assert.deepEqual(statusPatch(update), expected));
  }
});

describe('sameStatus', () => {
  it('tells a missing status from an empty one', () => {
    assert.equal(sameStatus(undefined, {}), false);
    assert.equal(sameStatus({}, { a: undefined }), true);
  });
});

function replace(status: unknown) {
  return { type: 'json' as const, body: [{ op: 'add' as const, path: '/status', value: status }] };
}
