import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CallAnswer, describeAnswer, shortAnswer } from './llm-call.js';

describe('how a call is told', () => {
  const degraded: CallAnswer = {
    status: 200,
    model: 'gpt-4o-mini',
    target: 'azure-sweden',
    decision: 'degraded:gpt-4o-mini',
    fallbackReason: 'openai-eu:CircuitOpen',
    tokens: 106,
    ms: 305,
  };
  const refused: CallAnswer = {
    status: 429,
    errorCode: 'budget_exhausted',
    errorMessage: 'Token budget "governor-demo/team-daily" is exhausted',
    tokens: 0,
    ms: 2,
  };

  for (const [answer, short, long] of [
    [
      degraded,
      '200 gpt-4o-mini via azure-sweden',
      '200 gpt-4o-mini via azure-sweden (degraded:gpt-4o-mini; fallback after openai-eu:CircuitOpen), 305 ms',
    ],
    [
      refused,
      '429 budget_exhausted',
      '429 budget_exhausted: Token budget "governor-demo/team-daily" is exhausted',
    ],
    [{ status: 200, model: 'gpt-4o', tokens: 1, ms: 3 }, '200 gpt-4o', '200 gpt-4o, 3 ms'],
    [{ status: 502, tokens: 0, ms: 3 }, '502', '502'],
  ] as const) {
    it(`tells "${short}"`, () => {
      assert.equal(shortAnswer(answer), short);
      assert.equal(describeAnswer(answer), long);
    });
  }
});
