import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeTraceCall, traceCallTake } from './trace-call-count.js';

describe('takeTraceCall', () => {
  const cases: [string, number, { limit: number; seen: number }, { admitted: boolean; calls: number }][] = [
    ['a new trace', 0, { limit: 3, seen: 0 }, { admitted: true, calls: 1 }],
    ['a trace under its limit', 2, { limit: 3, seen: 1 }, { admitted: true, calls: 3 }],
    ['a trace at its limit', 3, { limit: 3, seen: 0 }, { admitted: false, calls: 3 }],
    ['a trace over a lowered limit', 5, { limit: 3, seen: 5 }, { admitted: false, calls: 5 }],
    [
      'a count lost with the leader, seeded by what a sidecar has seen',
      0,
      { limit: 3, seen: 2 },
      { admitted: true, calls: 3 },
    ],
    ['a lost count a sidecar has seen at the limit', 0, { limit: 3, seen: 3 }, { admitted: false, calls: 3 }],
    ['a limit of one', 0, { limit: 1, seen: 0 }, { admitted: true, calls: 1 }],
  ];
  for (const [name, stored, take, answer] of cases) {
    it(name, () => assert.deepEqual(takeTraceCall(stored, take), answer));
  }
});

describe('traceCallTake', () => {
  it('accepts a take', () =>
    assert.ok(
      traceCallTake.safeParse({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', limit: 3, seen: 0 }).success,
    ));
  const bad: [string, unknown][] = [
    ['a trace id with a space', { traceId: 'a b', limit: 3, seen: 0 }],
    ['an empty trace id', { traceId: '', limit: 3, seen: 0 }],
    ['a limit of 0', { traceId: 't', limit: 0, seen: 0 }],
    ['a negative seen', { traceId: 't', limit: 3, seen: -1 }],
    ['an unknown field', { traceId: 't', limit: 3, seen: 0, extra: 1 }],
    ['a missing limit', { traceId: 't', seen: 0 }],
  ];
  for (const [name, value] of bad)
    it(`refuses ${name}`, () => assert.ok(!traceCallTake.safeParse(value).success));
});
