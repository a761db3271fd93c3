// Bad requests are refused at the door: the real `agent-governor sidecar` process, standalone with a
// budget and a reasoning budget (which read the very fields that are malformed here), is sent a
// battery of malformed calls for each API — wrong types, missing fields, a bad governor header,
// pathological bodies — and answers each with a provider-style 4xx naming the field, never a 500;
// the upstream receives none of them. The official OpenAI and Anthropic SDKs then make valid calls
// that reach the upstream with their unknown fields untouched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const user = [{ role: 'user', content: 'hi' }];

interface BadCall {
  name: string;
  path: string;
  /** The body as sent (a string is sent as it is). */
  body: unknown;
  headers?: Record<string, string>;
  status: number;
  /** OpenAI's `error.code` (OpenAI-shaped answers only). */
  code?: string;
  /** What OpenAI's `error.param` starts with, or the field an Anthropic message must start with. */
  field?: string;
}

/** `levels` arrays nested in one another. */
const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

const BATTERY: BadCall[] = [
  // OpenAI chat completions: the five that used to pass the budget checks, and their kin.
  {
    name: 'messages a string',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: 'hi' },
    status: 400,
    code: 'invalid_type',
    field: 'messages',
  },
  {
    name: 'messages null',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: null },
    status: 400,
    code: 'invalid_type',
    field: 'messages',
  },
  {
    name: 'max_tokens negative',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: user, max_tokens: -1 },
    status: 400,
    code: 'integer_below_min_value',
    field: 'max_tokens',
  },
  {
    name: 'max_tokens a string',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: user, max_tokens: '100' },
    status: 400,
    code: 'invalid_type',
    field: 'max_tokens',
  },
  {
    name: 'stream "yes"',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: user, stream: 'yes' },
    status: 400,
    code: 'invalid_type',
    field: 'stream',
  },
  {
    name: 'no model',
    path: '/v1/chat/completions',
    body: { messages: user },
    status: 400,
    code: 'missing_required_parameter',
    field: 'model',
  },
  {
    name: 'a model that is a number',
    path: '/v1/chat/completions',
    body: { model: 7, messages: user },
    status: 400,
    code: 'invalid_type',
    field: 'model',
  },
  {
    name: 'n zero',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: user, n: 0 },
    status: 400,
    code: 'integer_below_min_value',
    field: 'n',
  },
  {
    name: 'include_usage "yes"',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: user, stream: true, stream_options: { include_usage: 'yes' } },
    status: 400,
    code: 'invalid_type',
    field: 'stream_options.include_usage',
  },
  {
    name: 'a message without a role',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: [{ content: 'x' }] },
    status: 400,
    code: 'missing_required_parameter',
    field: 'messages[0].role',
  },
  {
    name: 'a malformed chain depth header',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: user },
    headers: { 'x-governor-chain-depth': 'deep' },
    status: 400,
    code: 'invalid_header',
    field: 'x-governor-chain-depth',
  },
  {
    name: 'nesting 100,000 levels deep',
    path: '/v1/chat/completions',
    body: `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"metadata":${nested(100_000)}}`,
    status: 400,
    code: 'nesting_too_deep',
    field: 'metadata',
  },
  {
    name: 'a content list of 200,000 parts',
    path: '/v1/chat/completions',
    body: `{"model":"gpt-4o","messages":[{"role":"user","content":[${new Array(200_000).fill('{}').join(',')}]}]}`,
    status: 413,
    code: 'array_above_max_length',
    field: 'messages[0].content',
  },
  {
    name: 'a body over --max-body-bytes',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES) }] },
    status: 413,
    code: 'request_too_large',
  },
  {
    name: 'malformed JSON',
    path: '/v1/chat/completions',
    body: '{"model":',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'a JSON array',
    path: '/v1/chat/completions',
    body: '[{"model":"gpt-4o"}]',
    status: 400,
    code: 'invalid_json',
  },
  // OpenAI completions and embeddings.
  {
    name: 'a prompt that is an object',
    path: '/v1/completions',
    body: { model: 'gpt-3.5-turbo-instruct', prompt: { text: 'x' } },
    status: 400,
    code: 'invalid_type',
    field: 'prompt',
  },
  {
    name: 'completions max_tokens a string',
    path: '/v1/completions',
    body: { model: 'gpt-3.5-turbo-instruct', prompt: 'x', max_tokens: 'many' },
    status: 400,
    code: 'invalid_type',
    field: 'max_tokens',
  },
  {
    name: 'completions without a prompt',
    path: '/v1/completions',
    body: { model: 'gpt-3.5-turbo-instruct' },
    status: 400,
    code: 'missing_required_parameter',
    field: 'prompt',
  },
  {
    name: 'embedding input null',
    path: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: null },
    status: 400,
    code: 'invalid_type',
    field: 'input',
  },
  {
    name: 'an embedding input of booleans',
    path: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: [true] },
    status: 400,
    code: 'invalid_type',
    field: 'input[0]',
  },
  {
    name: '150,000 token ids',
    path: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: new Array(150_000).fill(1) },
    status: 413,
    code: 'array_above_max_length',
    field: 'input',
  },
  // OpenAI responses.
  {
    name: 'responses input a number',
    path: '/v1/responses',
    body: { model: 'gpt-4.1', input: 3 },
    status: 400,
    code: 'invalid_type',
    field: 'input',
  },
  {
    name: 'max_output_tokens negative',
    path: '/v1/responses',
    body: { model: 'gpt-4.1', input: 'x', max_output_tokens: -10 },
    status: 400,
    code: 'integer_below_min_value',
    field: 'max_output_tokens',
  },
  // Anthropic messages: the Anthropic error shape, the field named the Anthropic way.
  {
    name: 'no max_tokens',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4', messages: user },
    status: 400,
    field: 'max_tokens',
  },
  {
    name: 'Anthropic messages a string',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4', max_tokens: 10, messages: 'hi' },
    status: 400,
    field: 'messages',
  },
  {
    name: 'Anthropic max_tokens negative',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4', max_tokens: -5, messages: user },
    status: 400,
    field: 'max_tokens',
  },
  {
    name: 'Anthropic stream "yes"',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4', max_tokens: 10, messages: user, stream: 'yes' },
    status: 400,
    field: 'stream',
  },
  {
    name: 'a system prompt that is a number',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4', max_tokens: 10, messages: user, system: 5 },
    status: 400,
    field: 'system',
  },
  {
    name: 'Anthropic nesting 10,000 levels deep',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"1","content":${nested(10_000)}}]}]}`,
    status: 400,
    field: 'messages.0.content.0.content',
  },
];

describe('bad requests are refused at the door', () => {
  let mock: MockLlm;
  let sidecar: CliProcess;
  let url: string;
  let dir: string;

  before(async () => {
    mock = await startMockLlm();
    dir = mkdtempSync(join(tmpdir(), 'bad-requests-'));
    const target = (name: string) => ({
      name,
      provider: 'OpenAI',
      endpoint: mock.baseUrl,
      apiKey: 'sk-sidecar',
    });
    writeFileSync(
      join(dir, 'sidecar.yaml'),
      stringify({
        apiVersion: 'config.governor.agents.dev/v1alpha1',
        kind: 'SidecarConfig',
        agent: { name: 'doorman', namespace: 'agents' },
        routes: [
          { model: 'gpt-4o', targets: [target('openai')], cache: { enabled: true, ttl: '1m' } },
          { model: 'gpt-3.5-turbo-instruct', targets: [target('openai')] },
          { model: 'text-embedding-3-small', targets: [target('openai')] },
          { model: 'gpt-4.1', targets: [target('openai')] },
          {
            model: 'claude-sonnet-4',
            targets: [{ name: 'anthropic', provider: 'Anthropic', endpoint: mock.url, apiKey: 'sk-ant' }],
          },
        ],
        budgets: [{ name: 'daily', limits: { tokens: 10_000_000 } }],
        reasoning: { maxCallsPerTrace: 1_000, maxChainDepth: 5 },
        logging: { prompts: true },
      }),
    );
    sidecar = await startCliProcess(
      [
        'sidecar',
        '--config',
        join(dir, 'sidecar.yaml'),
        '--port',
        '0',
        '--max-body-bytes',
        String(MAX_BODY_BYTES),
        '--spool-dir',
        join(dir, 'spool'),
      ],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    url = sidecar.ready[1] as string;
  });
  after(async () => {
    await sidecar?.stop();
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every bad request with a provider-style 4xx naming the field; the upstream sees none', async () => {
    for (const bad of BATTERY) {
      const response = await fetch(`${url}${bad.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bad.headers },
        body: typeof bad.body === 'string' ? bad.body : JSON.stringify(bad.body),
      });
      const text = await response.text();
      assert.equal(response.status, bad.status, `${bad.name}: ${text.slice(0, 300)}`);
      const answer = JSON.parse(text) as {
        type?: string;
        error: { type: string; code?: string; param?: string | null; message: string };
      };
      if (bad.path === '/v1/messages') {
        assert.equal(answer.type, 'error', bad.name);
        assert.equal(answer.error.type, 'invalid_request_error', bad.name);
        assert.ok(answer.error.message.startsWith(`${bad.field}`), `${bad.name}: ${answer.error.message}`);
      } else {
        assert.equal(answer.error.code, bad.code, `${bad.name}: ${text.slice(0, 300)}`);
        assert.equal(answer.error.type, 'invalid_request_error', bad.name);
        if (bad.field) {
          assert.ok(answer.error.param?.startsWith(bad.field), `${bad.name}: ${answer.error.param}`);
          assert.ok(answer.error.message.includes(bad.field), `${bad.name}: ${answer.error.message}`);
        }
      }
    }
    assert.deepEqual(
      mock.served.map((c) => `${c.path} ${JSON.stringify(c.body).slice(0, 80)}`),
      [],
      'no bad request reached the upstream',
    );
    assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the sidecar is still well');
    assert.doesNotMatch(sidecar.output(), /request failed|"status":500/, 'nothing failed inside the sidecar');
  });

  it('serves the official SDKs, passing unknown fields through untouched', async () => {
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'agent', maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: url, apiKey: 'agent', maxRetries: 0 });
    mock.reset();

    const chat = {
      model: 'gpt-4o',
      messages: [{ role: 'user' as const, content: 'hello' }],
      max_tokens: 50,
      some_future_field: { nested: [1, 'two', null] },
    };
    const answer = await openai.chat.completions.create(chat);
    assert.equal(answer.choices[0]?.message.content, mock.reply);
    assert.equal(
      JSON.stringify(mock.served.at(-1)?.body),
      JSON.stringify(chat),
      "the agent's body arrives as it was sent, unknown field included",
    );

    let streamed = '';
    for await (const chunk of await openai.chat.completions.create({ ...chat, stream: true })) {
      streamed += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(streamed, mock.reply);
    assert.deepEqual(mock.served.at(-1)?.body['some_future_field'], chat.some_future_field);

    const completion = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once' });
    assert.equal(completion.choices[0]?.text, mock.reply);
    const embedding = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    assert.equal(embedding.data.length, 2);
    const response = await openai.responses.create({ model: 'gpt-4.1', input: 'hi', max_output_tokens: 32 });
    assert.equal(response.output_text, mock.reply);

    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 64,
      system: [{ type: 'text', text: 'be brief' }],
      messages: [{ role: 'user', content: 'hello' }],
    });
    assert.equal(message.content[0]?.type === 'text' && message.content[0].text, mock.reply);
    let text = '';
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello' }],
    });
    stream.on('text', (delta) => {
      text += delta;
    });
    await stream.finalMessage();
    assert.equal(text, mock.reply);

    assert.deepEqual(
      mock.served.map((c) => c.api),
      [
        'chat.completions',
        'chat.completions',
        'completions',
        'embeddings',
        'responses',
        'messages',
        'messages',
      ],
    );
  });
});
