import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { mirrorDelay, promptContent } from './mirror-pacing.js';
import { policyFor } from './testdata/policies.js';

const pacing = { promptMs: 200, countersMs: 30_000 };

function withBudget(
  policy: EffectivePolicy,
  change: Partial<EffectivePolicy['budgets'][number]>,
): EffectivePolicy {
  return {
    ...policy,
    budgets: [
      {
        name: 'agents/daily',
        phase: 'Active',
        actions: [],
        limitTokens: 1_000,
        currency: 'USD',
        usedTokens: 10,
        usedCostMicros: 0,
        periodEnd: '2030-01-02T00:00:00.000Z',
        useCases: [],
        ...change,
      },
    ],
  };
}

describe('mirrorDelay', () => {
  const base = withBudget(policyFor('agents', 'writer'), {});
  const written = promptContent(base);
  const cases: [string, string | undefined, EffectivePolicy | undefined, number][] = [
    ['never written by this process: at once', undefined, base, 0],
    ['the agent is gone: at once (the mirror is deleted)', written, undefined, 0],
    [
      'a new version and time only: counters pace',
      written,
      { ...base, version: '9', generatedAt: 'later' },
      30_000,
    ],
    [
      'usage counters moved: they wait, coalesced',
      written,
      withBudget(base, { usedTokens: 990, usedCostMicros: 5 }),
      30_000,
    ],
    ['the phase changed: at once', written, withBudget(base, { phase: 'Exhausted', usedTokens: 1_000 }), 0],
    ['an action came into force: at once', written, withBudget(base, { actions: ['Degrade'] }), 0],
    ['a route changed: at once', written, { ...base, routes: [] }, 0],
  ];
  for (const [name, before, policy, want] of cases) {
    it(name, () => assert.equal(mirrorDelay(before, policy, pacing), want));
  }
  it('keeps promptMs between the starts of two writes of one mirror', () => {
    const warning = withBudget(base, { phase: 'Warning' });
    assert.equal(mirrorDelay(written, warning, pacing, { sinceWriteMs: 50 }), 150, 'written 50 ms ago');
    assert.equal(mirrorDelay(written, warning, pacing, { sinceWriteMs: 0 }), 200, 'a write just began');
    assert.equal(mirrorDelay(written, warning, pacing, { sinceWriteMs: 200 }), 0, 'the pause is over');
    assert.equal(
      mirrorDelay(undefined, base, pacing, { sinceWriteMs: 120.4 }),
      80,
      'whole milliseconds, never early',
    );
  });
  it('spreads counter writes over ± 50 %, whenever the last write was', () => {
    const countersOnly = withBudget(base, { usedTokens: 500 });
    assert.equal(mirrorDelay(written, countersOnly, pacing, { random: 0 }), 15_000);
    assert.equal(mirrorDelay(written, countersOnly, pacing, { random: 0.999 }), 44_970);
    assert.equal(mirrorDelay(written, countersOnly, pacing, { random: 0, sinceWriteMs: 60_000 }), 15_000);
    assert.equal(
      mirrorDelay(written, withBudget(base, { phase: 'Warning' }), pacing, { random: 0 }),
      0,
      'prompt: no spread',
    );
  });
});
