import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { circuitTransitions } from './circuit-transitions.js';

type Circuit = 'Closed' | 'Open' | 'HalfOpen' | undefined;
const targets = (states: Record<string, Circuit>) =>
  Object.entries(states).map(([name, circuit]) => (circuit ? { name, circuit } : { name }));

describe('circuitTransitions', () => {
  const cases: {
    name: string;
    before?: Record<string, Circuit>;
    after: Record<string, Circuit>;
    expected: { target: string; opened: boolean }[];
  }[] = [
    { name: 'first status, all closed: no news', after: { a: 'Closed' }, expected: [] },
    { name: 'first status, one open: news', after: { a: 'Open' }, expected: [{ target: 'a', opened: true }] },
    {
      name: 'closed → open',
      before: { a: 'Closed' },
      after: { a: 'Open' },
      expected: [{ target: 'a', opened: true }],
    },
    {
      name: 'half-open → open',
      before: { a: 'HalfOpen' },
      after: { a: 'Open' },
      expected: [{ target: 'a', opened: true }],
    },
    { name: 'open stays open', before: { a: 'Open' }, after: { a: 'Open' }, expected: [] },
    { name: 'open → half-open: not yet news', before: { a: 'Open' }, after: { a: 'HalfOpen' }, expected: [] },
    {
      name: 'open → closed',
      before: { a: 'Open' },
      after: { a: 'Closed' },
      expected: [{ target: 'a', opened: false }],
    },
    {
      name: 'half-open → closed',
      before: { a: 'HalfOpen' },
      after: { a: 'Closed' },
      expected: [{ target: 'a', opened: false }],
    },
    {
      name: 'open → unknown (reports aged out): no news',
      before: { a: 'Open' },
      after: { a: undefined },
      expected: [],
    },
    {
      name: 'two targets at once',
      before: { a: 'Closed', b: 'Open' },
      after: { a: 'Open', b: 'Closed' },
      expected: [
        { target: 'a', opened: true },
        { target: 'b', opened: false },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        circuitTransitions(c.before ? targets(c.before) : undefined, targets(c.after)),
        c.expected,
      );
    });
  }
});
