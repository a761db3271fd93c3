import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CircuitReportEntry } from '../../apis/usage-ledger.js';
import { routeCircuits } from './route-circuits.js';

const now = new Date('2026-03-11T12:00:00.000Z');
const at = (secondsBefore: number) => new Date(now.getTime() - secondsBefore * 1000).toISOString();
type State = 'Closed' | 'Open' | 'HalfOpen';
const report = (
  instance: string,
  states: Record<string, State>,
  options: { active?: string; secondsBefore?: number; route?: string } = {},
): CircuitReportEntry => ({
  instance,
  observedAt: at(options.secondsBefore ?? 1),
  routes: [
    {
      route: options.route ?? 'gpt-4o',
      ...(options.active ? { activeTarget: options.active } : {}),
      targets: Object.entries(states).map(([target, state]) => ({ target, state })),
    },
  ],
});

describe('routeCircuits', () => {
  const cases: {
    name: string;
    reports: CircuitReportEntry[];
    targets: Record<string, State>;
    active?: string;
    allOpen: boolean;
    summary?: string;
  }[] = [
    { name: 'no reports: nothing known', reports: [], targets: {}, allOpen: false },
    {
      name: 'one sidecar, first open: the second is active',
      reports: [report('p1', { a: 'Open', b: 'Closed' }, { active: 'b' })],
      targets: { a: 'Open', b: 'Closed' },
      active: 'b',
      allOpen: false,
      summary: 'a: Open, b: Closed',
    },
    {
      name: 'every sidecar has every circuit open: all open',
      reports: [report('p1', { a: 'Open', b: 'Open' }), report('p2', { a: 'Open', b: 'Open' })],
      targets: { a: 'Open', b: 'Open' },
      allOpen: true,
      summary: 'a: Open, b: Open',
    },
    {
      name: 'one sidecar still gets through a target: Closed wins',
      reports: [
        report('p1', { a: 'Open', b: 'Open' }),
        report('p2', { a: 'Closed', b: 'Open' }, { active: 'a' }),
      ],
      targets: { a: 'Closed', b: 'Open' },
      active: 'a',
      allOpen: false,
    },
    {
      name: 'open and half-open: Open (the probe has not succeeded)',
      reports: [report('p1', { a: 'HalfOpen', b: 'Open' }), report('p2', { a: 'Open', b: 'Open' })],
      targets: { a: 'Open', b: 'Open' },
      allOpen: true,
    },
    {
      name: 'only half-open: HalfOpen, not all open',
      reports: [report('p1', { a: 'HalfOpen', b: 'Open' })],
      targets: { a: 'HalfOpen', b: 'Open' },
      allOpen: false,
    },
    {
      name: 'a target no sidecar reports keeps the route from all open',
      reports: [report('p1', { a: 'Open' })],
      targets: { a: 'Open' },
      allOpen: false,
    },
    {
      name: 'stale reports age out',
      reports: [
        report('p1', { a: 'Open', b: 'Open' }, { secondsBefore: 61 }),
        report('p2', { a: 'Closed' }, { active: 'a' }),
      ],
      targets: { a: 'Closed' },
      active: 'a',
      allOpen: false,
    },
    {
      name: 'reports of another route and targets the route no longer has are ignored',
      reports: [report('p1', { a: 'Open' }, { route: 'claude' }), report('p2', { old: 'Open', a: 'Closed' })],
      targets: { a: 'Closed' },
      allOpen: false,
    },
    {
      name: 'the active target most sidecars send to first',
      reports: [
        report('p1', { a: 'Open' }, { active: 'b' }),
        report('p2', { a: 'Open' }, { active: 'b' }),
        report('p3', { a: 'Closed' }, { active: 'a' }),
      ],
      targets: { a: 'Closed' },
      active: 'b',
      allOpen: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const circuits = routeCircuits('gpt-4o', ['a', 'b'], c.reports, now);
      assert.deepEqual(Object.fromEntries(circuits.targets), c.targets);
      assert.equal(circuits.activeTarget, c.active);
      assert.equal(circuits.allOpen, c.allOpen);
      if (c.summary !== undefined) assert.equal(circuits.summary, c.summary);
    });
  }

  it('says when the oldest fresh report ages out', () => {
    const circuits = routeCircuits(
      'gpt-4o',
      ['a'],
      [report('p1', { a: 'Open' }, { secondsBefore: 50 })],
      now,
    );
    assert.equal(circuits.recheckAfterMs, 10_001);
  });
});
