import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetDecision } from './budget-decision.js';

const gated = { timings: { totalMs: 1, upstreamMs: 0, steps: { budget: 0.01 } } };
const notGated = { timings: { totalMs: 1, upstreamMs: 0, steps: {} } };

describe('budgetDecision', () => {
  const cases: [string, Parameters<typeof budgetDecision>[0], string][] = [
    ['a bad request', { ...notGated, decisions: [] }, 'not-reached'],
    ['a residency refusal', { ...notGated, decisions: ['refused:residency:eu-only'] }, 'not-reached'],
    ['an admitted call', { ...gated, decisions: ['warning:team-a/daily'] }, 'admitted'],
    ['a clamp', { ...gated, decisions: ['clamped:max_tokens=4096'] }, 'clamped'],
    [
      'a degrade over a clamp',
      { ...gated, decisions: ['clamped:max_tokens=4096', 'degraded:gpt-4o-mini'] },
      'degraded',
    ],
    [
      'a simplified call',
      { ...gated, decisions: ['degraded:gpt-4o-mini'], simplified: 'maxCallsPerTrace' },
      'simplified',
    ],
    ['a deferred call', { ...gated, decisions: ['deferred-id:abc'] }, 'deferred'],
    ['a budget refusal', { ...gated, decisions: ['refused:budget_exhausted:team-a/daily'] }, 'refused'],
    [
      'a refusal across pods',
      { ...gated, decisions: ['refused:reasoning_budget_exceeded:across-pods'] },
      'refused',
    ],
  ];
  for (const [what, record, expected] of cases) {
    it(`says ${expected} for ${what}`, () => assert.equal(budgetDecision(record), expected));
  }
});
