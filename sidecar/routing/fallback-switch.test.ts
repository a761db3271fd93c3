import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { switchedToFallback } from './fallback-switch.js';

type Slo = EffectivePolicy['slos'][number];
const slo = (fastBurnActions: Slo['fastBurnActions'], fallbackRoute?: string): Slo => ({
  name: 'ns/slo',
  countAsFailure: ['ServerError', 'Timeout'],
  fastBurnActions,
  ...(fallbackRoute !== undefined ? { fallbackRoute } : {}),
});

describe('switchedToFallback', () => {
  const cases: { name: string; slos: Slo[]; route: string; expected: boolean }[] = [
    { name: 'no SLO', slos: [], route: 'gpt-4o', expected: false },
    { name: 'not burning', slos: [slo([])], route: 'gpt-4o', expected: false },
    { name: 'other actions only', slos: [slo(['ShedNonCritical'])], route: 'gpt-4o', expected: false },
    { name: 'every route', slos: [slo(['SwitchToFallback'])], route: 'gpt-4o', expected: true },
    { name: 'the named route', slos: [slo(['SwitchToFallback'], 'gpt-4o')], route: 'gpt-4o', expected: true },
    {
      name: 'another route named',
      slos: [slo(['SwitchToFallback'], 'claude')],
      route: 'gpt-4o',
      expected: false,
    },
    {
      name: 'one of two SLOs names it',
      slos: [slo(['SwitchToFallback'], 'claude'), slo(['SwitchToFallback'], 'gpt-4o')],
      route: 'gpt-4o',
      expected: true,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(switchedToFallback(c.slos, c.route), c.expected));
});
