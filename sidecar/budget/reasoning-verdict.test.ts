import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReasoningLimits } from './reasoning-limits.js';
import {
  exceededDecision,
  type ReasoningQuestion,
  type ReasoningVerdict,
  reasoningVerdict,
} from './reasoning-verdict.js';

const LIMITS: ReasoningLimits = {
  maxTokensPerRequest: 1000,
  maxInputTokensPerRequest: 500,
  maxCallsPerTrace: 3,
  maxChainDepth: 2,
};
const SIMPLIFY: ReasoningLimits = {
  ...LIMITS,
  onExceeded: 'Simplify',
  simplify: { model: 'gpt-4o-mini', maxTokens: 200 },
};
const CALL: ReasoningQuestion = {
  api: 'chat.completions',
  estimatedInputTokens: 100,
  requestedMaxOutputTokens: 500,
  chainDepth: 1,
  traceId: 'plan-7',
  callsInTrace: 1,
};

describe('reasoningVerdict', () => {
  const cases: {
    name: string;
    call?: Partial<ReasoningQuestion>;
    limits: ReasoningLimits;
    verdict: ReasoningVerdict;
  }[] = [
    { name: 'within every limit', limits: SIMPLIFY, verdict: { kind: 'admit' } },
    {
      name: 'no limits at all',
      call: { callsInTrace: 99, chainDepth: 9 },
      limits: {},
      verdict: { kind: 'admit' },
    },
    {
      name: 'Refuse: past maxTokensPerRequest is admitted (the gate clamps)',
      call: { requestedMaxOutputTokens: 5000 },
      limits: LIMITS,
      verdict: { kind: 'admit' },
    },
    {
      name: 'Simplify: past maxTokensPerRequest goes to the cheaper model',
      call: { requestedMaxOutputTokens: 5000 },
      limits: SIMPLIFY,
      verdict: {
        kind: 'simplify',
        model: 'gpt-4o-mini',
        maxOutputTokens: 200,
        exceeded: { limit: 'maxTokensPerRequest', value: 1000, actual: 5000 },
      },
    },
    {
      name: 'Simplify: a request asking for no output limit is not past maxTokensPerRequest',
      call: { requestedMaxOutputTokens: undefined },
      limits: SIMPLIFY,
      verdict: { kind: 'admit' },
    },
    {
      name: 'Refuse: the call after maxCallsPerTrace gets 429',
      call: { callsInTrace: 3 },
      limits: LIMITS,
      verdict: {
        kind: 'refuse',
        status: 429,
        message:
          'Reasoning budget exceeded: trace plan-7 has already made 3 calls, and at most 3 calls per trace are allowed.',
        exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
      },
    },
    {
      name: 'Simplify: the call after maxCallsPerTrace is simplified',
      call: { callsInTrace: 3 },
      limits: SIMPLIFY,
      verdict: {
        kind: 'simplify',
        model: 'gpt-4o-mini',
        maxOutputTokens: 200,
        exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
      },
    },
    {
      name: 'Refuse: a chain deeper than maxChainDepth gets 429',
      call: { chainDepth: 3 },
      limits: LIMITS,
      verdict: {
        kind: 'refuse',
        status: 429,
        message:
          'Reasoning budget exceeded: chain depth 3 (header x-governor-chain-depth) is deeper than the maximum of 2.',
        exceeded: { limit: 'maxChainDepth', value: 2, actual: 3 },
      },
    },
    {
      name: 'Simplify without maxTokens: capped at maxTokensPerRequest',
      call: { chainDepth: 3 },
      limits: { ...SIMPLIFY, simplify: { model: 'claude-haiku' } },
      verdict: {
        kind: 'simplify',
        model: 'claude-haiku',
        maxOutputTokens: 1000,
        exceeded: { limit: 'maxChainDepth', value: 2, actual: 3 },
      },
    },
    {
      name: 'Simplify: simplify.maxTokens never lifts the cap above maxTokensPerRequest',
      call: { chainDepth: 3 },
      limits: { ...SIMPLIFY, simplify: { model: 'gpt-4o-mini', maxTokens: 5000 } },
      verdict: {
        kind: 'simplify',
        model: 'gpt-4o-mini',
        maxOutputTokens: 1000,
        exceeded: { limit: 'maxChainDepth', value: 2, actual: 3 },
      },
    },
    {
      name: 'Simplify with neither cap: the request keeps its own output limit',
      call: { chainDepth: 3 },
      limits: { maxChainDepth: 2, onExceeded: 'Simplify', simplify: { model: 'gpt-4o-mini' } },
      verdict: {
        kind: 'simplify',
        model: 'gpt-4o-mini',
        exceeded: { limit: 'maxChainDepth', value: 2, actual: 3 },
      },
    },
    {
      name: 'Simplify: past maxInputTokensPerRequest is still 400 (a cheaper model cannot shrink the input)',
      call: { estimatedInputTokens: 501, chainDepth: 3, callsInTrace: 3 },
      limits: SIMPLIFY,
      verdict: {
        kind: 'refuse',
        status: 400,
        param: 'messages',
        message:
          "Reasoning budget exceeded: this request's input is estimated at 501 tokens, more than maxInputTokensPerRequest 500. Send a shorter prompt (the estimate counts generously, about a third above most tokenizers).",
        exceeded: { limit: 'maxInputTokensPerRequest', value: 500, actual: 501 },
      },
    },
    {
      name: 'Simplify: an embedding past a limit is refused (no simpler answer)',
      call: { api: 'embeddings', callsInTrace: 3 },
      limits: SIMPLIFY,
      verdict: {
        kind: 'refuse',
        status: 429,
        message:
          'Reasoning budget exceeded: trace plan-7 has already made 3 calls, and at most 3 calls per trace are allowed.',
        exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
      },
    },
  ];
  cases.push(
    {
      name: 'Defer: the call after maxCallsPerTrace goes to the batch API',
      call: { callsInTrace: 3 },
      limits: { ...LIMITS, onExceeded: 'Defer', defer: { completionWindow: '24h' } },
      verdict: {
        kind: 'defer',
        completionWindow: '24h',
        exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
      },
    },
    {
      name: 'Defer: past maxTokensPerRequest is clamped as under Refuse (admitted)',
      call: { requestedMaxOutputTokens: 5000 },
      limits: { ...LIMITS, onExceeded: 'Defer', defer: { completionWindow: '24h' } },
      verdict: { kind: 'admit' },
    },
  );
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(reasoningVerdict({ ...CALL, ...c.call }, c.limits), c.verdict));
  }

  it('names the limit and its value in the decision', () =>
    assert.equal(
      exceededDecision({ limit: 'maxCallsPerTrace', value: 3, actual: 4 }),
      'reasoning-exceeded:maxCallsPerTrace=3',
    ));
});
