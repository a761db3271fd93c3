import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { usageFromBody, usageFromBodyOrEstimate } from './body-usage.js';
import { requestText } from './request-text.js';
import type { TokenUsage } from './token-usage.js';
import { estimateTokens } from './tokenizer.js';

describe('usageFromBody', () => {
  const cases: { name: string; api: ApiKind; body: unknown; usage: TokenUsage | undefined }[] = [
    {
      name: 'chat completion with cached prompt tokens',
      api: 'chat.completions',
      body: {
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: 2006,
          completion_tokens: 300,
          total_tokens: 2306,
          prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
      usage: { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, estimated: false },
    },
    {
      name: 'completion',
      api: 'completions',
      body: {
        object: 'text_completion',
        choices: [{ text: 'x' }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      },
      usage: { inputTokens: 5, outputTokens: 7, cachedInputTokens: 0, estimated: false },
    },
    {
      name: 'embeddings count prompt tokens only',
      api: 'embeddings',
      body: { object: 'list', data: [{ embedding: [0.1] }], usage: { prompt_tokens: 8, total_tokens: 8 } },
      usage: { inputTokens: 8, outputTokens: 0, cachedInputTokens: 0, estimated: false },
    },
    {
      name: 'Responses API',
      api: 'responses',
      body: {
        object: 'response',
        usage: {
          input_tokens: 36,
          input_tokens_details: { cached_tokens: 10 },
          output_tokens: 87,
          total_tokens: 123,
        },
      },
      usage: { inputTokens: 36, outputTokens: 87, cachedInputTokens: 10, estimated: false },
    },
    {
      name: 'Anthropic: input excludes cache reads and writes, so they are added',
      api: 'messages',
      body: {
        type: 'message',
        usage: {
          input_tokens: 50,
          cache_creation_input_tokens: 200,
          cache_read_input_tokens: 1000,
          output_tokens: 20,
        },
      },
      usage: {
        inputTokens: 1250,
        outputTokens: 20,
        cachedInputTokens: 1000,
        cacheWriteInputTokens: 200,
        estimated: false,
      },
    },
    {
      name: 'Anthropic without cache fields',
      api: 'messages',
      body: { type: 'message', usage: { input_tokens: 12, output_tokens: 3 } },
      usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 0, estimated: false },
    },
    { name: 'no usage object', api: 'chat.completions', body: { choices: [] }, usage: undefined },
    { name: 'usage null', api: 'chat.completions', body: { usage: null }, usage: undefined },
    {
      name: 'a negative count is not usage',
      api: 'responses',
      body: { usage: { input_tokens: -1, output_tokens: 2 } },
      usage: undefined,
    },
    {
      name: 'a string count is not usage',
      api: 'chat.completions',
      body: { usage: { prompt_tokens: '5' } },
      usage: undefined,
    },
    { name: 'an array is not a body', api: 'messages', body: [1, 2], usage: undefined },
    { name: 'null is not a body', api: 'embeddings', body: null, usage: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(usageFromBody(c.api, c.body), c.usage));
  }
});

describe('usageFromBodyOrEstimate', () => {
  it('returns the reported usage when there is one', () => {
    const usage = usageFromBodyOrEstimate(
      'chat.completions',
      { usage: { prompt_tokens: 3, completion_tokens: 4 } },
      { text: requestText('chat.completions', { messages: [] }), model: 'gpt-4o' },
    );
    assert.deepEqual(usage, { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, estimated: false });
  });

  const estimates: {
    name: string;
    api: ApiKind;
    response: unknown;
    body: Record<string, unknown>;
    output: string;
    input: number;
  }[] = [
    {
      name: 'chat answer without usage: message text and tool-call arguments',
      api: 'chat.completions',
      response: {
        choices: [
          {
            message: {
              role: 'assistant',
              content: 'The weather is fine.',
              tool_calls: [
                { type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              ],
            },
          },
        ],
      },
      body: { messages: [{ role: 'user', content: 'Weather in Paris?' }] },
      output: 'The weather is fine.get_weather{"city":"Paris"}',
      input: 3 + 1 + 4 + 3, // framing + "user" + "Weather| in| Paris|?" + reply priming
    },
    {
      name: 'Responses answer without usage',
      api: 'responses',
      response: {
        output: [
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] },
          { type: 'message', content: [{ type: 'output_text', text: 'Done.' }] },
        ],
      },
      body: { input: 'Go' },
      output: 'Thinking.Done.',
      input: 3 + 1 + 3,
    },
    {
      name: 'Anthropic answer without usage: text and tool input',
      api: 'messages',
      response: {
        content: [
          { type: 'text', text: 'Sure.' },
          { type: 'tool_use', name: 'lookup', input: { q: 'x' } },
        ],
      },
      body: { system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] },
      output: 'Sure.{"q":"x"}',
      input: 3 + 3 + 1 + 3, // "Be| brief|." + one message's framing + "Hi" + reply priming
    },
    {
      name: 'completion without usage',
      api: 'completions',
      response: { choices: [{ text: ' upon a time' }] },
      body: { prompt: 'Once' },
      output: ' upon a time',
      input: 1,
    },
  ];
  for (const c of estimates) {
    it(c.name, () => {
      const usage = usageFromBodyOrEstimate(c.api, c.response, {
        text: requestText(c.api, c.body),
        model: 'gpt-4o',
      });
      assert.deepEqual(usage, {
        inputTokens: c.input,
        outputTokens: estimateTokens(c.output, 'gpt-4o'),
        cachedInputTokens: 0,
        estimated: true,
      });
      assert.ok(usage.outputTokens > 0);
    });
  }
});
