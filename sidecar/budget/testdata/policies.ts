import {
  type EffectiveBudget,
  type EffectivePolicy,
  effectivePolicy,
} from '../../../apis/effective-policy.js';

/** 2025-06-16 10:00 UTC, a Monday: the clock of the gate tests. */
export const T0 = Date.parse('2025-06-16T10:00:00Z');
export const NEXT_MIDNIGHT = '2025-06-17T00:00:00.000Z';

/** A daily budget (UTC) of `limitTokens` tokens; tests override what they look at. */
export function budget(overrides: Partial<EffectiveBudget> = {}): Record<string, unknown> {
  return {
    name: 'team-a/daily',
    phase: 'Active',
    actions: [],
    limitTokens: 1000,
    usedTokens: 0,
    periodEnd: NEXT_MIDNIGHT,
    period: { reset: 'Daily', timeZone: 'UTC' },
    ...overrides,
  };
}

/** A valid effective policy, parsed with the real schema so defaults apply as in production. */
export function policy(overrides: Record<string, unknown> = {}): EffectivePolicy {
  return effectivePolicy.parse({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EffectivePolicy',
    agent: { namespace: 'team-a', name: 'support-bot' },
    version: '1',
    generatedAt: '2025-06-16T09:59:00Z',
    budgets: [budget()],
    ...overrides,
  });
}
