import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregationKey,
  type EventWrite,
  eventWrite,
  type RecordedEvent,
  seriesWindowMs,
} from './event-aggregation.js';

const previous: RecordedEvent = { namespace: 'team-a', name: 'support.1', count: 3, lastSeenAt: 1_000_000 };

describe('eventWrite', () => {
  const cases: Array<[string, RecordedEvent | undefined, number, EventWrite]> = [
    ['the first occurrence creates an Event', undefined, 1_000_000, { kind: 'create' }],
    ['a repeat a minute later joins the series', previous, 1_060_000, { kind: 'join-series', count: 4 }],
    [
      'a repeat just inside six minutes still joins',
      previous,
      1_000_000 + seriesWindowMs - 1,
      { kind: 'join-series', count: 4 },
    ],
    ['six minutes of quiet start a new Event', previous, 1_000_000 + seriesWindowMs, { kind: 'create' }],
    ['a clock that went backwards starts a new Event', previous, 999_000, { kind: 'create' }],
  ];
  for (const [name, before, now, expected] of cases) {
    it(name, () => assert.deepEqual(eventWrite(before, now), expected));
  }
});

describe('aggregationKey', () => {
  const base = {
    regarding: { uid: 'u1', kind: 'Deployment', namespace: 'a', name: 'support' },
    type: 'Normal',
    reason: 'Suspended',
    action: 'Scale',
  };
  it('is the same whatever the message', () => {
    assert.equal(aggregationKey(base), aggregationKey({ ...base }));
  });
  for (const [what, changed] of [
    ['object', { ...base, regarding: { ...base.regarding, uid: 'u2' } }],
    ['reason', { ...base, reason: 'Resumed' }],
    ['type', { ...base, type: 'Warning' }],
    ['action', { ...base, action: 'Suspend' }],
    ['related object', { ...base, related: { kind: 'TokenBudget', namespace: 'a', name: 'daily' } }],
  ] as const) {
    it(`differs when the ${what} differs`, () =>
      assert.notEqual(aggregationKey(base), aggregationKey(changed)));
  }
});
