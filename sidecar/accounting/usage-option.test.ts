import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { usageStreamOptions } from './usage-option.js';

describe('usageStreamOptions', () => {
  const cases: {
    name: string;
    api: ApiKind;
    body: Record<string, unknown>;
    sent: Record<string, unknown>;
    injected: boolean;
  }[] = [
    {
      name: 'a streaming chat request without stream_options gets include_usage',
      api: 'chat.completions',
      body: { model: 'gpt-4o', stream: true, messages: [] },
      sent: { model: 'gpt-4o', stream: true, messages: [], stream_options: { include_usage: true } },
      injected: true,
    },
    {
      name: 'other stream_options are kept',
      api: 'chat.completions',
      body: { model: 'gpt-4o', stream: true, stream_options: { include_obfuscation: false } },
      sent: {
        model: 'gpt-4o',
        stream: true,
        stream_options: { include_obfuscation: false, include_usage: true },
      },
      injected: true,
    },
    {
      name: 'include_usage false is turned on (and stripped again)',
      api: 'completions',
      body: { model: 'gpt-3.5-turbo-instruct', stream: true, stream_options: { include_usage: false } },
      sent: { model: 'gpt-3.5-turbo-instruct', stream: true, stream_options: { include_usage: true } },
      injected: true,
    },
    {
      name: 'a client that asked for usage is left alone',
      api: 'chat.completions',
      body: { model: 'gpt-4o', stream: true, stream_options: { include_usage: true } },
      sent: { model: 'gpt-4o', stream: true, stream_options: { include_usage: true } },
      injected: false,
    },
    {
      name: 'a non-streaming request is left alone',
      api: 'chat.completions',
      body: { model: 'gpt-4o', messages: [] },
      sent: { model: 'gpt-4o', messages: [] },
      injected: false,
    },
    {
      name: 'the Responses API always reports usage',
      api: 'responses',
      body: { model: 'gpt-4.1', stream: true, input: 'hi' },
      sent: { model: 'gpt-4.1', stream: true, input: 'hi' },
      injected: false,
    },
    {
      name: 'Anthropic messages always report usage',
      api: 'messages',
      body: { model: 'claude-3-5-haiku-latest', stream: true, max_tokens: 10, messages: [] },
      sent: { model: 'claude-3-5-haiku-latest', stream: true, max_tokens: 10, messages: [] },
      injected: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.body);
      const options = usageStreamOptions(c.api, c.body);
      assert.equal(options !== undefined, c.injected);
      assert.deepEqual({ ...c.body, ...(options ? { stream_options: options } : {}) }, c.sent);
      assert.deepEqual(c.body, before, "the caller's body is not modified");
    });
  }
});
