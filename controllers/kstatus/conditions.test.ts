import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../apis/condition.js';
import { type Health, kstatusConditions, nextConditions } from './conditions.js';

const earlier = '2025-03-11T10:00:00.000Z';
const now = new Date('2025-03-11T12:00:00Z');

describe('kstatusConditions', () => {
  const cases: { health: Health; types: [string, string][] }[] = [
    { health: { state: 'Ready', reason: 'Ok', message: 'm' }, types: [['Ready', 'True']] },
    {
      health: { state: 'Reconciling', reason: 'Scaling', message: 'm' },
      types: [
        ['Ready', 'False'],
        ['Reconciling', 'True'],
      ],
    },
    {
      health: { state: 'Stalled', reason: 'RouteNotFound', message: 'm' },
      types: [
        ['Ready', 'False'],
        ['Stalled', 'True'],
      ],
    },
  ];
  for (const c of cases) {
    it(`${c.health.state} reads as kstatus expects`, () => {
      assert.deepEqual(
        kstatusConditions(c.health).map((d) => [d.type, d.status]),
        c.types,
      );
    });
  }
});

describe('nextConditions', () => {
  const previous: Condition[] = [
    {
      type: 'Ready',
      status: 'True',
      lastTransitionTime: earlier,
      reason: 'Ok',
      message: 'old',
      observedGeneration: 1,
    },
    { type: 'Stalled', status: 'True', lastTransitionTime: earlier, reason: 'Bad', message: 'old' },
  ];

  it('keeps the transition time of an unchanged status, updates reason, message and generation', () => {
    const [ready] = nextConditions(
      previous,
      [{ type: 'Ready', status: 'True', reason: 'Fine', message: 'new' }],
      2,
      now,
    );
    assert.deepEqual(ready, {
      type: 'Ready',
      status: 'True',
      observedGeneration: 2,
      lastTransitionTime: earlier,
      reason: 'Fine',
      message: 'new',
    });
  });

  it('stamps a changed status with now and drops conditions no longer decided', () => {
    const next = nextConditions(
      previous,
      [{ type: 'Ready', status: 'False', reason: 'Down', message: 'm' }],
      3,
      now,
    );
    assert.deepEqual(
      next.map((c) => [c.type, c.lastTransitionTime]),
      [['Ready', now.toISOString()]],
    );
  });
});
