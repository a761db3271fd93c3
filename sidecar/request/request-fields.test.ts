import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { readCallFacts } from './call-facts.js';

// Bad requests per API, as a developer's agent sends them by mistake: each is refused before any
// decision, with the provider's error code, the field as OpenAI names it (`param`) and a message in
// the API's own style naming the field, what it must be and what came.

type Body = Record<string, unknown>;
interface Bad {
  name: string;
  body: Body;
  status?: number;
  code: string;
  param: string;
  message: RegExp;
}

const user = [{ role: 'user', content: 'hi' }];

const BAD: Record<ApiKind, Bad[]> = {
  'chat.completions': [
    {
      name: 'no model',
      body: { messages: user },
      code: 'missing_required_parameter',
      param: 'model',
      message: /^Missing required parameter: 'model'\.$/,
    },
    {
      name: 'a model that is a number',
      body: { model: 4, messages: user },
      code: 'invalid_type',
      param: 'model',
      message: /^Invalid type for 'model': expected a string, but got 4 instead\.$/,
    },
    {
      name: 'an empty model',
      body: { model: '', messages: user },
      code: 'invalid_value',
      param: 'model',
      message: /expected a model name of 1 to 256 characters, but got an empty string/,
    },
    {
      name: 'a model name of 10,000 characters',
      body: { model: 'g'.repeat(10_000), messages: user },
      code: 'invalid_value',
      param: 'model',
      message: /expected a model name of 1 to 256 characters, but got a string instead/,
    },
    {
      name: 'messages as a string',
      body: { model: 'gpt-4o', messages: 'hello' },
      code: 'invalid_type',
      param: 'messages',
      message: /^Invalid type for 'messages': expected an array of messages, but got a string instead\.$/,
    },
    {
      name: 'messages null',
      body: { model: 'gpt-4o', messages: null },
      code: 'invalid_type',
      param: 'messages',
      message: /but got null instead/,
    },
    {
      name: 'no messages',
      body: { model: 'gpt-4o' },
      code: 'missing_required_parameter',
      param: 'messages',
      message: /'messages'/,
    },
    {
      name: 'no message at all',
      body: { model: 'gpt-4o', messages: [] },
      code: 'empty_array',
      param: 'messages',
      message: /expected at least one message, but got an empty array/,
    },
    {
      name: 'a message that is a string',
      body: { model: 'gpt-4o', messages: ['hi'] },
      code: 'invalid_type',
      param: 'messages[0]',
      message: /expected a message object/,
    },
    {
      name: 'a message without a role',
      body: { model: 'gpt-4o', messages: [...user, { content: 'x' }] },
      code: 'missing_required_parameter',
      param: 'messages[1].role',
      message: /'messages\[1\]\.role'/,
    },
    {
      name: 'content that is a number',
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 42 }] },
      code: 'invalid_type',
      param: 'messages[0].content',
      message: /expected a string or an array of content parts, but got 42/,
    },
    {
      name: 'a content part that is a number',
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, 7] }] },
      code: 'invalid_type',
      param: 'messages[0].content[1]',
      message: /expected a content part object/,
    },
    {
      name: 'tool_calls that are an object',
      body: { model: 'gpt-4o', messages: [{ role: 'assistant', tool_calls: {} }] },
      code: 'invalid_type',
      param: 'messages[0].tool_calls',
      message: /expected an array/,
    },
    {
      name: 'max_tokens negative',
      body: { model: 'gpt-4o', messages: user, max_tokens: -5 },
      code: 'integer_below_min_value',
      param: 'max_tokens',
      message: /^Invalid 'max_tokens': expected an integer of at least 1, but got -5 instead\.$/,
    },
    {
      name: 'max_tokens zero',
      body: { model: 'gpt-4o', messages: user, max_tokens: 0 },
      code: 'integer_below_min_value',
      param: 'max_tokens',
      message: /got 0/,
    },
    {
      name: 'max_tokens a string',
      body: { model: 'gpt-4o', messages: user, max_tokens: '100' },
      code: 'invalid_type',
      param: 'max_tokens',
      message: /expected an integer of at least 1, but got a string/,
    },
    {
      name: 'max_completion_tokens a fraction',
      body: { model: 'o3-mini', messages: user, max_completion_tokens: 10.5 },
      code: 'invalid_type',
      param: 'max_completion_tokens',
      message: /got 10\.5/,
    },
    {
      name: 'max_tokens beyond a safe integer',
      body: { model: 'gpt-4o', messages: user, max_tokens: 1e300 },
      code: 'invalid_type',
      param: 'max_tokens',
      message: /expected an integer of at least 1/,
    },
    {
      name: 'n zero',
      body: { model: 'gpt-4o', messages: user, n: 0 },
      code: 'integer_below_min_value',
      param: 'n',
      message: /'n'/,
    },
    {
      name: 'stream "yes"',
      body: { model: 'gpt-4o', messages: user, stream: 'yes' },
      code: 'invalid_type',
      param: 'stream',
      message: /^Invalid type for 'stream': expected a boolean, but got a string instead\.$/,
    },
    {
      name: 'stream_options a string',
      body: { model: 'gpt-4o', messages: user, stream: true, stream_options: 'usage' },
      code: 'invalid_type',
      param: 'stream_options',
      message: /expected an object/,
    },
    {
      name: 'include_usage a string',
      body: { model: 'gpt-4o', messages: user, stream: true, stream_options: { include_usage: 'yes' } },
      code: 'invalid_type',
      param: 'stream_options.include_usage',
      message: /'stream_options\.include_usage': expected a boolean/,
    },
    {
      name: 'tools an object',
      body: { model: 'gpt-4o', messages: user, tools: { name: 'x' } },
      code: 'invalid_type',
      param: 'tools',
      message: /expected an array/,
    },
  ],
  completions: [
    {
      name: 'no prompt',
      body: { model: 'gpt-3.5-turbo-instruct' },
      code: 'missing_required_parameter',
      param: 'prompt',
      message: /'prompt'/,
    },
    {
      name: 'a prompt that is an object',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: { text: 'x' } },
      code: 'invalid_type',
      param: 'prompt',
      message: /expected a string, an array of strings, or an array of token ids, but got an object/,
    },
    {
      name: 'a prompt item that is an object',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: ['a', { b: 1 }] },
      code: 'invalid_type',
      param: 'prompt[1]',
      message: /'prompt\[1\]'/,
    },
    {
      name: 'token ids that are fractions',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: [[1, 2.5]] },
      code: 'invalid_type',
      param: 'prompt[0]',
      message: /an array of token ids/,
    },
    {
      name: 'max_tokens negative',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: 'x', max_tokens: -1 },
      code: 'integer_below_min_value',
      param: 'max_tokens',
      message: /at least 0, but got -1/,
    },
    {
      name: 'best_of a string',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: 'x', best_of: 'three' },
      code: 'invalid_type',
      param: 'best_of',
      message: /'best_of'/,
    },
    {
      name: 'stream "yes"',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: 'x', stream: 'yes' },
      code: 'invalid_type',
      param: 'stream',
      message: /expected a boolean/,
    },
    {
      name: 'suffix a number',
      body: { model: 'gpt-3.5-turbo-instruct', prompt: 'x', suffix: 1 },
      code: 'invalid_type',
      param: 'suffix',
      message: /expected a string/,
    },
  ],
  embeddings: [
    {
      name: 'no input',
      body: { model: 'text-embedding-3-small' },
      code: 'missing_required_parameter',
      param: 'input',
      message: /'input'/,
    },
    {
      name: 'input null',
      body: { model: 'text-embedding-3-small', input: null },
      code: 'invalid_type',
      param: 'input',
      message: /but got null/,
    },
    {
      name: 'an empty input list',
      body: { model: 'text-embedding-3-small', input: [] },
      code: 'empty_array',
      param: 'input',
      message: /got an empty array/,
    },
    {
      name: 'an input item that is a boolean',
      body: { model: 'text-embedding-3-small', input: ['a', true] },
      code: 'invalid_type',
      param: 'input[1]',
      message: /got a boolean \(true\)/,
    },
    {
      name: 'a model that is an array',
      body: { model: ['text-embedding-3-small'], input: 'a' },
      code: 'invalid_type',
      param: 'model',
      message: /expected a string, but got an array/,
    },
  ],
  responses: [
    {
      name: 'input a number',
      body: { model: 'gpt-4.1', input: 3 },
      code: 'invalid_type',
      param: 'input',
      message: /expected a string or an array of input items, but got 3/,
    },
    {
      name: 'an input item that is a string',
      body: { model: 'gpt-4.1', input: ['hi'] },
      code: 'invalid_type',
      param: 'input[0]',
      message: /expected an input item object/,
    },
    {
      name: 'instructions an array',
      body: { model: 'gpt-4.1', input: 'x', instructions: ['be brief'] },
      code: 'invalid_type',
      param: 'instructions',
      message: /expected a string/,
    },
    {
      name: 'max_output_tokens negative',
      body: { model: 'gpt-4.1', input: 'x', max_output_tokens: -100 },
      code: 'integer_below_min_value',
      param: 'max_output_tokens',
      message: /got -100/,
    },
    {
      name: 'stream "yes"',
      body: { model: 'gpt-4.1', input: 'x', stream: 'yes' },
      code: 'invalid_type',
      param: 'stream',
      message: /expected a boolean/,
    },
  ],
  messages: [
    {
      name: 'no model',
      body: { max_tokens: 10, messages: user },
      code: 'missing_required_parameter',
      param: 'model',
      message: /^model: Field required$/,
    },
    {
      name: 'no max_tokens',
      body: { model: 'claude-sonnet-4', messages: user },
      code: 'missing_required_parameter',
      param: 'max_tokens',
      message: /^max_tokens: Field required$/,
    },
    {
      name: 'max_tokens negative',
      body: { model: 'claude-sonnet-4', max_tokens: -5, messages: user },
      code: 'integer_below_min_value',
      param: 'max_tokens',
      message: /^max_tokens: expected an integer of at least 1, got -5$/,
    },
    {
      name: 'max_tokens a string',
      body: { model: 'claude-sonnet-4', max_tokens: '1024', messages: user },
      code: 'invalid_type',
      param: 'max_tokens',
      message: /^max_tokens: expected an integer of at least 1, got a string$/,
    },
    {
      name: 'messages a string',
      body: { model: 'claude-sonnet-4', max_tokens: 10, messages: 'hello' },
      code: 'invalid_type',
      param: 'messages',
      message: /^messages: expected an array of messages, got a string$/,
    },
    {
      name: 'messages null',
      body: { model: 'claude-sonnet-4', max_tokens: 10, messages: null },
      code: 'invalid_type',
      param: 'messages',
      message: /^messages: expected an array of messages, got null$/,
    },
    {
      name: 'a message without content',
      body: { model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user' }] },
      code: 'missing_required_parameter',
      param: 'messages[0].content',
      message: /^messages\.0\.content: Field required$/,
    },
    {
      name: 'a content block that is a string',
      body: { model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: ['hi'] }] },
      code: 'invalid_type',
      param: 'messages[0].content[0]',
      message: /^messages\.0\.content\.0: expected a content part object, got a string$/,
    },
    {
      name: 'system a number',
      body: { model: 'claude-sonnet-4', max_tokens: 10, messages: user, system: 5 },
      code: 'invalid_type',
      param: 'system',
      message: /^system: expected a string or an array of content parts, got 5$/,
    },
    {
      name: 'stream "yes"',
      body: { model: 'claude-sonnet-4', max_tokens: 10, messages: user, stream: 'yes' },
      code: 'invalid_type',
      param: 'stream',
      message: /^stream: expected a boolean, got a string$/,
    },
  ],
};

/** Valid requests, unknown and provider-specific fields included: all read, none refused. */
const GOOD: Record<ApiKind, Body[]> = {
  'chat.completions': [
    { model: 'gpt-4o', messages: user },
    {
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: {} }] },
        { role: 'tool', tool_call_id: '1', content: 'ok' },
      ],
      max_tokens: null,
      max_completion_tokens: 100,
      n: 2,
      stream: true,
      stream_options: { include_usage: false, include_obfuscation: true },
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      temperature: 0.2,
      some_future_field: { anything: [1, 'two'] },
    },
  ],
  completions: [
    { model: 'gpt-3.5-turbo-instruct', prompt: 'Once' },
    { model: 'gpt-3.5-turbo-instruct', prompt: [[1, 2, 3], [4]], max_tokens: 0, echo: true, best_of: 2 },
  ],
  embeddings: [
    { model: 'text-embedding-3-small', input: 'a' },
    { model: 'text-embedding-3-small', input: [1, 2, 3], dimensions: 256, stream: 'ignored here' },
  ],
  responses: [
    { model: 'gpt-4.1', previous_response_id: 'resp_1' },
    { model: 'gpt-4.1', input: [{ role: 'user', content: 'x' }], instructions: null, max_output_tokens: 16 },
  ],
  messages: [
    { model: 'claude-sonnet-4', max_tokens: 10, messages: user },
    {
      model: 'claude-sonnet-4',
      max_tokens: 10,
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      stream: false,
      thinking: { type: 'enabled', budget_tokens: 5 },
    },
  ],
};

describe('the fields the sidecar reads are checked before any decision', () => {
  for (const api of Object.keys(BAD) as ApiKind[]) {
    describe(api, () => {
      for (const bad of BAD[api]) {
        it(`refuses ${bad.name}`, () => {
          const raw = Buffer.from(JSON.stringify(bad.body));
          const reading = readCallFacts(api, bad.body, raw, {});
          assert.equal(reading.ok, false);
          if (reading.ok) return;
          assert.equal(reading.problem.status, bad.status ?? 400);
          assert.equal(reading.problem.code, bad.code);
          assert.equal(reading.problem.param, bad.param);
          assert.match(reading.problem.message, bad.message);
        });
      }
      for (const [i, body] of GOOD[api].entries()) {
        it(`reads valid request ${i + 1}, whatever else it carries`, () => {
          const reading = readCallFacts(api, body, Buffer.from(JSON.stringify(body)), {});
          assert.ok(reading.ok, reading.ok ? '' : reading.problem.message);
        });
      }
    });
  }
});
