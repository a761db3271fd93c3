import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import {
  budgetChangedForPolicy,
  routeChangedForPolicy,
  sloChangedForPolicy,
  workloadLabelsChanged,
} from './policy-input-changes.js';

const meta = (generation: number, deletionTimestamp?: string) => ({
  generation,
  ...(deletionTimestamp ? { deletionTimestamp } : {}),
});

describe('which updates can change a compiled policy', () => {
  const budget = {
    metadata: meta(1),
    status: {
      phase: 'Active',
      used: { tokens: 10, cost: '0.01' },
      activeActions: [] as string[],
      periodEnd: '2030-01-02T00:00:00Z',
    },
  };
  const cases: [string, boolean, boolean][] = [
    ['route: a status write', routeChangedForPolicy({ metadata: meta(1) }, { metadata: meta(1) }), false],
    ['route: a spec change', routeChangedForPolicy({ metadata: meta(1) }, { metadata: meta(2) }), true],
    [
      'route: deletion begins',
      routeChangedForPolicy({ metadata: meta(1) }, { metadata: meta(1, '2030-01-01T00:00:00Z') }),
      true,
    ],
    [
      'budget: conditions only',
      budgetChangedForPolicy(budget, { ...budget, status: { ...budget.status } }),
      false,
    ],
    [
      'budget: usage moved',
      budgetChangedForPolicy(budget, {
        ...budget,
        status: { ...budget.status, used: { tokens: 11, cost: '0.01' } },
      }),
      true,
    ],
    [
      'budget: an action came into force',
      budgetChangedForPolicy(budget, { ...budget, status: { ...budget.status, activeActions: ['Degrade'] } }),
      true,
    ],
    [
      'budget: the phase changed',
      budgetChangedForPolicy(budget, { ...budget, status: { ...budget.status, phase: 'Warning' } }),
      true,
    ],
    ['budget: a spec change', budgetChangedForPolicy(budget, { ...budget, metadata: meta(2) }), true],
    [
      'SLO: burn rates moved, no fast burn either way',
      sloChangedForPolicy(
        { metadata: meta(1), status: { fastBurn: false } },
        { metadata: meta(1), status: { fastBurn: false } },
      ),
      false,
    ],
    [
      'SLO: fast burn began',
      sloChangedForPolicy(
        { metadata: meta(1), status: { fastBurn: false } },
        { metadata: meta(1), status: { fastBurn: true } },
      ),
      true,
    ],
    [
      'SLO: the switch to fallback was lifted after fast burn had cleared',
      sloChangedForPolicy(
        { metadata: meta(1), status: { fastBurn: false, switchedToFallback: { since: 't' } } },
        { metadata: meta(1), status: { fastBurn: false } },
      ),
      true,
    ],
    [
      'SLO: the switch-back dwell started (cleared time noted), still switched',
      sloChangedForPolicy(
        { metadata: meta(1), status: { fastBurn: false, switchedToFallback: { since: 't' } } },
        { metadata: meta(1), status: { fastBurn: false, switchedToFallback: { since: 't', cleared: 'u' } } },
      ),
      false,
    ],
  ];
  for (const [name, got, want] of cases) it(name, () => assert.equal(got, want));

  const deployment = (labels: Record<string, string>, replicas: number) =>
    ({ metadata: { name: 'w' }, spec: { replicas, template: { metadata: { labels } } } }) as KubeObject;
  it('workload: a scale-down changes no label', () => {
    assert.equal(workloadLabelsChanged(deployment({ team: 'a' }, 2), deployment({ team: 'a' }, 0)), false);
  });
  it('workload: a label edit, added or removed label', () => {
    assert.equal(workloadLabelsChanged(deployment({ team: 'a' }, 2), deployment({ team: 'b' }, 2)), true);
    assert.equal(
      workloadLabelsChanged(deployment({ team: 'a' }, 2), deployment({ team: 'a', x: '1' }, 2)),
      true,
    );
    assert.equal(
      workloadLabelsChanged(deployment({ team: 'a', x: '1' }, 2), deployment({ team: 'a' }, 2)),
      true,
    );
  });
});
