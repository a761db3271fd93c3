import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { maxOutputTokenFields, outputLimitOf, worstCaseOutput } from './output-limit.js';

type Body = Record<string, unknown>;

describe('outputLimitOf and worstCaseOutput', () => {
  const cases: {
    name: string;
    api: ApiKind;
    body: Body;
    model: string;
    requested: number | undefined;
    worst: number;
  }[] = [
    {
      name: 'chat max_tokens',
      api: 'chat.completions',
      body: { max_tokens: 500 },
      model: 'gpt-4o',
      requested: 500,
      worst: 500,
    },
    {
      name: 'chat max_completion_tokens wins over max_tokens',
      api: 'chat.completions',
      body: { max_completion_tokens: 300, max_tokens: 500 },
      model: 'gpt-4o',
      requested: 300,
      worst: 300,
    },
    {
      name: 'chat n=3 triples the worst case',
      api: 'chat.completions',
      body: { max_tokens: 100, n: 3 },
      model: 'gpt-4o',
      requested: 100,
      worst: 300,
    },
    {
      name: 'chat without a limit: the model maximum',
      api: 'chat.completions',
      body: {},
      model: 'gpt-4o-2024-08-06',
      requested: undefined,
      worst: 16_384,
    },
    {
      name: 'gpt-4.1-mini maximum output',
      api: 'chat.completions',
      body: {},
      model: 'gpt-4.1-mini',
      requested: undefined,
      worst: 32_768,
    },
    {
      name: 'an unknown model: the default',
      api: 'chat.completions',
      body: {},
      model: 'llama-3-70b',
      requested: undefined,
      worst: 4_096,
    },
    {
      name: 'completions default to 16',
      api: 'completions',
      body: { prompt: 'x' },
      model: 'gpt-3.5-turbo-instruct',
      requested: undefined,
      worst: 16,
    },
    {
      name: 'completions best_of is billed whole',
      api: 'completions',
      body: { max_tokens: 10, n: 2, best_of: 5 },
      model: 'x',
      requested: 10,
      worst: 50,
    },
    {
      name: 'responses max_output_tokens',
      api: 'responses',
      body: { max_output_tokens: 2000 },
      model: 'o3',
      requested: 2000,
      worst: 2000,
    },
    {
      name: 'responses without a limit on o3',
      api: 'responses',
      body: {},
      model: 'o3-2025-04-16',
      requested: undefined,
      worst: 100_000,
    },
    {
      name: 'messages max_tokens',
      api: 'messages',
      body: { max_tokens: 1024 },
      model: 'claude-sonnet-4-5',
      requested: 1024,
      worst: 1024,
    },
    {
      name: 'messages without max_tokens (invalid, upstream refuses)',
      api: 'messages',
      body: {},
      model: 'claude-3-5-haiku-20241022',
      requested: undefined,
      worst: 8_192,
    },
    {
      name: 'embeddings produce no output',
      api: 'embeddings',
      body: { input: 'x' },
      model: 'text-embedding-3-small',
      requested: undefined,
      worst: 0,
    },
    {
      name: 'a non-integer limit is ignored',
      api: 'chat.completions',
      body: { max_tokens: 'lots' },
      model: 'gpt-4',
      requested: undefined,
      worst: 8_192,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const limit = outputLimitOf(c.api, c.body);
      assert.equal(limit.requested, c.requested);
      assert.equal(worstCaseOutput(c.api, limit, c.model), c.worst);
    });
  }
});

describe('worstCaseOutput with declared output limits', () => {
  const declared = { 'gpt-4o': 4_000, 'gpt-4': 1_000, 'acme-large': 2_048 };
  const cases: [string, string, number][] = [
    ['a declared limit wins over the built-in one', 'gpt-4o-2024-08-06', 4_000],
    ['a declared key wins a tie, dated names included', 'gpt-4o-mini', 4_000],
    ['a longer built-in key wins over a shorter declared one', 'gpt-4-turbo-2024-04-09', 4_096],
    ['a model only the catalog knows', 'acme-large-v2', 2_048],
    ['neither knows it: the default', 'mystery-model', 4_096],
  ];
  const worst = (body: Body, model: string) =>
    worstCaseOutput('chat.completions', outputLimitOf('chat.completions', body), model, declared);
  for (const [name, model, tokens] of cases) {
    it(`${name}: ${model} → ${tokens}`, () => assert.equal(worst({ model }, model), tokens));
  }
  it('a request that names its limit is held to it, whatever is declared', () =>
    assert.equal(worst({ max_tokens: 100 }, 'acme-large'), 100));
});

describe('maxOutputTokenFields', () => {
  const cases: { name: string; api: ApiKind; body: Body; model: string; sent: Body }[] = [
    {
      name: 'chat keeps the field in use (max_tokens)',
      api: 'chat.completions',
      body: { max_tokens: 9000 },
      model: 'gpt-4o',
      sent: { max_tokens: 100 },
    },
    {
      name: 'chat sets both fields when both are used',
      api: 'chat.completions',
      body: { max_tokens: 9000, max_completion_tokens: 9000 },
      model: 'gpt-4o',
      sent: { max_tokens: 100, max_completion_tokens: 100 },
    },
    {
      name: 'chat without a limit on gpt-4o: max_tokens',
      api: 'chat.completions',
      body: {},
      model: 'gpt-4o',
      sent: { max_tokens: 100 },
    },
    {
      name: 'chat without a limit on o3-mini: max_completion_tokens',
      api: 'chat.completions',
      body: {},
      model: 'o3-mini',
      sent: { max_completion_tokens: 100 },
    },
    {
      name: 'chat without a limit on gpt-5: max_completion_tokens',
      api: 'chat.completions',
      body: {},
      model: 'openai/gpt-5-mini',
      sent: { max_completion_tokens: 100 },
    },
    {
      name: 'responses: max_output_tokens',
      api: 'responses',
      body: { input: 'x' },
      model: 'gpt-4.1',
      sent: { input: 'x', max_output_tokens: 100 },
    },
    {
      name: 'messages: max_tokens',
      api: 'messages',
      body: { max_tokens: 4096 },
      model: 'claude-3-5-haiku',
      sent: { max_tokens: 100 },
    },
    {
      name: 'completions: max_tokens',
      api: 'completions',
      body: {},
      model: 'gpt-3.5-turbo-instruct',
      sent: { max_tokens: 100 },
    },
    {
      name: 'embeddings: unchanged',
      api: 'embeddings',
      body: { input: 'x' },
      model: 'text-embedding-3-small',
      sent: { input: 'x' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.body);
      assert.deepEqual({ ...c.body, ...maxOutputTokenFields(c.api, c.body, 100, c.model) }, c.sent);
      assert.deepEqual(c.body, before);
    });
  }
});
