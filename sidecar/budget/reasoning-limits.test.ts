import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastBurn, type ReasoningLimits, reasoningLimits } from './reasoning-limits.js';
import { policy } from './testdata/policies.js';

const reasoning = {
  maxTokensPerRequest: 4000,
  maxCallsPerTrace: 20,
  maxChainDepth: 5,
  useCases: {
    summarize: { maxTokensPerRequest: 500 },
    research: { maxCallsPerTrace: 100, maxChainDepth: 10 },
  },
};

describe('reasoningLimits', () => {
  const cases: { name: string; useCase?: string; slos?: unknown[]; limits: ReasoningLimits }[] = [
    {
      name: 'no use case: the policy-wide limits',
      limits: { maxTokensPerRequest: 4000, maxCallsPerTrace: 20, maxChainDepth: 5 },
    },
    {
      name: 'a use case overrides only what it sets',
      useCase: 'summarize',
      limits: { maxTokensPerRequest: 500, maxCallsPerTrace: 20, maxChainDepth: 5, useCase: 'summarize' },
    },
    {
      name: 'another use case',
      useCase: 'research',
      limits: { maxTokensPerRequest: 4000, maxCallsPerTrace: 100, maxChainDepth: 10, useCase: 'research' },
    },
    {
      name: 'an unknown use case: the policy-wide limits',
      useCase: 'chat',
      limits: { maxTokensPerRequest: 4000, maxCallsPerTrace: 20, maxChainDepth: 5 },
    },
    {
      name: 'LowerReasoningBudget at 25 % scales the token limit',
      useCase: 'summarize',
      slos: [
        { name: 'team-a/latency', fastBurnActions: ['LowerReasoningBudget'], reasoningBudgetPercent: 25 },
      ],
      limits: {
        maxTokensPerRequest: 125,
        maxCallsPerTrace: 20,
        maxChainDepth: 5,
        useCase: 'summarize',
        lowered: { percent: 25, slo: 'team-a/latency' },
      },
    },
    {
      name: 'the lowest percent of two SLOs wins; no percent means 50',
      slos: [
        { name: 'a', fastBurnActions: ['LowerReasoningBudget'] },
        { name: 'b', fastBurnActions: ['LowerReasoningBudget'], reasoningBudgetPercent: 80 },
      ],
      limits: {
        maxTokensPerRequest: 2000,
        maxCallsPerTrace: 20,
        maxChainDepth: 5,
        lowered: { percent: 50, slo: 'a' },
      },
    },
    {
      name: 'an SLO that is not burning lowers nothing',
      slos: [{ name: 'a', fastBurnActions: [], reasoningBudgetPercent: 10 }],
      limits: { maxTokensPerRequest: 4000, maxCallsPerTrace: 20, maxChainDepth: 5 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = policy({ reasoning, slos: c.slos ?? [] });
      assert.deepEqual(reasoningLimits(p, c.useCase, fastBurn(p)), c.limits);
    });
  }

  it('Simplify: a use case takes its own onExceeded and simplify, else the budget-wide ones', () => {
    const p = policy({
      reasoning: {
        maxCallsPerTrace: 5,
        onExceeded: 'Simplify',
        simplify: { model: 'gpt-4o-mini', maxTokens: 100 },
        useCases: {
          strict: { onExceeded: 'Refuse' },
          review: { simplify: { model: 'claude-haiku-4' } },
          plain: {},
        },
      },
    });
    const limits = (useCase: string | undefined) => reasoningLimits(p, useCase, fastBurn(p));
    assert.deepEqual(limits(undefined), {
      maxCallsPerTrace: 5,
      onExceeded: 'Simplify',
      simplify: { model: 'gpt-4o-mini', maxTokens: 100 },
    });
    assert.deepEqual(limits('strict'), { maxCallsPerTrace: 5, useCase: 'strict' });
    assert.deepEqual(limits('review'), {
      maxCallsPerTrace: 5,
      useCase: 'review',
      onExceeded: 'Simplify',
      simplify: { model: 'claude-haiku-4' },
    });
    assert.equal(limits('plain').simplify?.model, 'gpt-4o-mini');
  });

  it('a policy without a reasoning budget has no limits', () => {
    const p = policy();
    assert.deepEqual(reasoningLimits(p, 'summarize', fastBurn(p)), {});
  });

  it('fastBurn names the SLO that sheds non-critical agents', () => {
    const p = policy({
      slos: [{ name: 'team-a/errors', fastBurnActions: ['ShedNonCritical', 'SwitchToFallback'] }],
    });
    assert.deepEqual(fastBurn(p), { shedBy: 'team-a/errors' });
  });
});
