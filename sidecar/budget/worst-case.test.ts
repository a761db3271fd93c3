import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveBudget } from '../../apis/effective-policy.js';
import type { GateRequest } from './gate-verdict.js';
import { budget } from './testdata/policies.js';
import { clampTo, fits, reservedOutput } from './worst-case.js';

type Ask = Pick<GateRequest, 'api' | 'requestedMaxOutputTokens' | 'worstCaseOutputTokens' | 'choices'>;

describe('clampTo', () => {
  const cases: { name: string; ask: Ask; limit?: number; max?: number }[] = [
    {
      name: 'asks for more than the limit: clamped',
      ask: { api: 'chat.completions', requestedMaxOutputTokens: 9000, worstCaseOutputTokens: 9000 },
      limit: 4000,
      max: 4000,
    },
    {
      name: 'asks for nothing: the limit is set',
      ask: { api: 'messages', worstCaseOutputTokens: 64000 },
      limit: 4000,
      max: 4000,
    },
    {
      name: 'asks for less: left alone',
      ask: { api: 'responses', requestedMaxOutputTokens: 100, worstCaseOutputTokens: 100 },
      limit: 4000,
    },
    {
      name: 'asks for exactly the limit: left alone',
      ask: { api: 'completions', requestedMaxOutputTokens: 4000, worstCaseOutputTokens: 4000 },
      limit: 4000,
    },
    {
      name: 'no limit: left alone',
      ask: { api: 'chat.completions', requestedMaxOutputTokens: 9000, worstCaseOutputTokens: 9000 },
    },
    {
      name: 'embeddings have no output to clamp',
      ask: { api: 'embeddings', worstCaseOutputTokens: 0 },
      limit: 10,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = clampTo(c.ask, c.limit === undefined ? {} : { maxTokensPerRequest: c.limit });
      assert.equal(result.maxOutputTokens, c.max);
      assert.deepEqual(result.decisions, c.max === undefined ? [] : [`clamped:max_tokens=${c.max}`]);
    });
  }
});

describe('reservedOutput', () => {
  const cases: { name: string; ask: Ask; clamp?: number; reserved: number }[] = [
    {
      name: 'no clamp: the worst case',
      ask: { api: 'chat.completions', worstCaseOutputTokens: 16384 },
      reserved: 16384,
    },
    {
      name: 'clamped below the worst case',
      ask: { api: 'chat.completions', worstCaseOutputTokens: 16384 },
      clamp: 500,
      reserved: 500,
    },
    {
      name: 'a clamp above the ask changes nothing',
      ask: { api: 'chat.completions', requestedMaxOutputTokens: 100, worstCaseOutputTokens: 100 },
      clamp: 500,
      reserved: 100,
    },
    {
      name: 'n=3 derived from the ask: clamp per choice',
      ask: { api: 'chat.completions', requestedMaxOutputTokens: 1000, worstCaseOutputTokens: 3000 },
      clamp: 500,
      reserved: 1500,
    },
    {
      name: 'choices given',
      ask: { api: 'chat.completions', worstCaseOutputTokens: 3 * 16384, choices: 3 },
      clamp: 500,
      reserved: 1500,
    },
    {
      name: 'embeddings reserve no output',
      ask: { api: 'embeddings', worstCaseOutputTokens: 0 },
      clamp: 500,
      reserved: 0,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(reservedOutput(c.ask, c.clamp), c.reserved));
});

describe('fits', () => {
  const b = effectiveBudget.parse(budget({ limitTokens: 1000, limitCostMicros: 10_000 }));
  const none = { tokens: 0, costMicros: 0 };
  const cases: {
    name: string;
    used: number;
    reserved: number;
    worst: number;
    cost?: number;
    fits: boolean;
  }[] = [
    { name: 'room for it', used: 500, reserved: 200, worst: 300, fits: true },
    { name: 'exactly the limit fits', used: 500, reserved: 200, worst: 300, fits: true },
    { name: 'one token over does not', used: 500, reserved: 200, worst: 301, fits: false },
    { name: 'reservations count', used: 0, reserved: 900, worst: 200, fits: false },
    { name: 'the cost limit counts too', used: 0, reserved: 0, worst: 10, cost: 10_001, fits: false },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.equal(
        fits(
          b,
          { ...none, tokens: c.used },
          { ...none, tokens: c.reserved },
          { inputTokens: c.worst, outputTokens: 0, costMicros: c.cost ?? 0 },
        ),
        c.fits,
      ),
    );
  }
});
