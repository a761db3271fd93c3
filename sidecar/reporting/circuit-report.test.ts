import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EffectivePolicy, effectivePolicy } from '../../apis/effective-policy.js';
import type { CircuitReport } from '../../apis/usage-batch.js';
import { testRoute, testTarget } from '../routing/testdata.js';
import { circuitReport, reportCircuits } from './circuit-report.js';

const now = new Date('2026-03-11T12:00:00.000Z');
type State = 'Closed' | 'Open' | 'HalfOpen';

function policy(switched = false): EffectivePolicy {
  return effectivePolicy.parse({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EffectivePolicy',
    agent: { namespace: 'agents', name: 'writer' },
    version: '1',
    generatedAt: now.toISOString(),
    routes: [
      testRoute({ name: 'gpt-4o', targets: [testTarget('a'), testTarget('b'), testTarget('c')] }),
      testRoute({ name: 'claude', model: 'claude', targets: [testTarget('x')] }),
    ],
    slos: switched ? [{ name: 'agents/slo', fastBurnActions: ['SwitchToFallback'] }] : [],
  });
}
const states =
  (known: Record<string, State>) =>
  (route: string, target: string): State | undefined =>
    known[`${route}/${target}`];

describe('circuitReport', () => {
  const cases: {
    name: string;
    known: Record<string, State>;
    switched?: boolean;
    expected: CircuitReport['routes'] | undefined;
  }[] = [
    { name: 'no target called yet: nothing to report', known: {}, expected: undefined },
    {
      name: 'all closed: the first target is active',
      known: { 'gpt-4o/a': 'Closed' },
      expected: [{ route: 'gpt-4o', activeTarget: 'a', targets: [{ target: 'a', state: 'Closed' }] }],
    },
    {
      name: 'the first open: the next is active; a target never called counts as closed',
      known: { 'gpt-4o/a': 'Open' },
      expected: [{ route: 'gpt-4o', activeTarget: 'b', targets: [{ target: 'a', state: 'Open' }] }],
    },
    {
      name: 'half-open is still tried first',
      known: { 'gpt-4o/a': 'HalfOpen', 'gpt-4o/b': 'Closed' },
      expected: [
        {
          route: 'gpt-4o',
          activeTarget: 'a',
          targets: [
            { target: 'a', state: 'HalfOpen' },
            { target: 'b', state: 'Closed' },
          ],
        },
      ],
    },
    {
      name: 'every circuit open: no active target',
      known: { 'gpt-4o/a': 'Open', 'gpt-4o/b': 'Open', 'gpt-4o/c': 'Open', 'claude/x': 'Open' },
      expected: [
        {
          route: 'gpt-4o',
          targets: [
            { target: 'a', state: 'Open' },
            { target: 'b', state: 'Open' },
            { target: 'c', state: 'Open' },
          ],
        },
        { route: 'claude', targets: [{ target: 'x', state: 'Open' }] },
      ],
    },
    {
      name: 'switched to fallback: the second target is active',
      known: { 'gpt-4o/a': 'Closed', 'gpt-4o/b': 'Closed' },
      switched: true,
      expected: [
        {
          route: 'gpt-4o',
          activeTarget: 'b',
          targets: [
            { target: 'a', state: 'Closed' },
            { target: 'b', state: 'Closed' },
          ],
        },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const report = circuitReport(policy(c.switched), states(c.known), now);
      assert.deepEqual(report?.routes, c.expected);
      if (report) assert.equal(report.observedAt, now.toISOString());
    });
  }
});

describe('reportCircuits', () => {
  const closed: CircuitReport = {
    observedAt: now.toISOString(),
    routes: [{ route: 'r', activeTarget: 'a', targets: [{ target: 'a', state: 'Closed' }] }],
  };
  const open: CircuitReport = {
    observedAt: new Date(now.getTime() + 60_000).toISOString(),
    routes: [{ route: 'r', activeTarget: 'b', targets: [{ target: 'a', state: 'Open' }] }],
  };
  const cases: {
    name: string;
    report: CircuitReport | undefined;
    hasUsage?: boolean;
    last?: CircuitReport;
    expected: boolean;
  }[] = [
    { name: 'nothing to report', report: undefined, hasUsage: true, expected: false },
    { name: 'with usage: always', report: closed, hasUsage: true, last: closed, expected: true },
    { name: 'never sent: send', report: closed, expected: true },
    { name: 'changed: send', report: open, last: closed, expected: true },
    {
      name: 'unchanged (only read later): nothing new',
      report: { ...closed, observedAt: open.observedAt },
      last: closed,
      expected: false,
    },
    { name: 'unchanged and open, no usage: nothing new', report: open, last: open, expected: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(
        reportCircuits({ report: c.report, hasUsage: c.hasUsage ?? false, last: c.last }),
        c.expected,
      );
    });
  }
});
