// The five APIs through the real sidecar, driven by the official OpenAI and Anthropic SDKs against a
// real loopback upstream: answers arrive as the SDK expects, plain and streaming; the tokens the
// upstream reported are exactly the tokens the sidecar counts (broken streams: what was sent,
// marked estimated); the agent's key never reaches the provider; bad input gets specific errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { MOCK_EMBEDDING_DIMENSIONS } from '../../testing/mock-llm-embeddings.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

describe('sidecar APIs through the SDKs', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    mock = await startMockLlm({ cachedInputTokens: 2 });
    fx = await startSidecarFixture(
      {
        agent: { name: 'support', namespace: 'agents' },
        routes: [
          openAIRoute('gpt-4o', mock.baseUrl),
          openAIRoute('text-embedding-3-small', mock.baseUrl),
          openAIRoute('gpt-3.5-turbo-instruct', mock.baseUrl),
          {
            model: 'claude-sonnet-4',
            targets: [
              { name: 'anthropic', provider: 'Anthropic', endpoint: mock.url, apiKey: 'sk-ant-sidecar' },
            ],
          },
          {
            model: 'gpt-4o-azure',
            targets: [
              {
                name: 'azure',
                provider: 'AzureOpenAI',
                endpoint: mock.url,
                model: 'gpt-4o-prod',
                apiVersion: '2024-10-21',
                apiKeyEnv: 'AZURE_KEY',
              },
            ],
          },
        ],
      },
      { maxBodyBytes: 64 * 1024, env: { ...process.env, AZURE_KEY: 'azure-sidecar-key' } },
    );
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent-key-must-not-leak', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent-ant-key-must-not-leak', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
  });

  /** The log line of the n-th request, once written. */
  const logged = async (n: number) => (await fx.waitForRequests(n))[n - 1]!;

  it('answers a chat completion with the governor headers, using the sidecar key', async () => {
    const before = fx.requests().length;
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say something' }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, mock.reply);
    assert.equal(response.headers.get('x-governor-target'), 'primary');
    assert.equal(response.headers.get('x-governor-attempts'), '1');
    assert.equal(response.headers.get('x-governor-route'), 'gpt-4o');
    assert.equal(response.headers.get('x-governor-cache'), 'bypass');
    assert.equal(response.headers.get('x-governor-policy-version'), fx.sidecar.policy().version);
    const served = mock.served.at(-1)!;
    assert.equal(served.headers['authorization'], 'Bearer sk-sidecar-primary');
    assert.doesNotMatch(JSON.stringify(served.headers), /must-not-leak/);
    assert.equal(data.usage?.prompt_tokens, served.inputTokens);
    const record = await logged(before + 1);
    assert.deepEqual(record.tokens, {
      input: served.inputTokens,
      output: served.outputTokens,
      cachedInput: 2,
      estimated: false,
    });
    assert.equal(record.outcome, 'Success');
    assert.ok(record.costMicros > 0, 'gpt-4o has a price');
  });

  it('streams a chat completion chunk by chunk, counting usage the agent did not ask for', async () => {
    const before = fx.requests().length;
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      assert.ok(!chunk.usage, 'the usage chunk the sidecar asked for is stripped');
    }
    assert.equal(text, mock.reply);
    assert.ok(chunks > 3);
    const served = mock.served.at(-1)!;
    assert.deepEqual(served.body['stream_options'], { include_usage: true });
    const record = await logged(before + 1);
    assert.deepEqual(record.tokens, {
      input: served.inputTokens,
      output: served.outputTokens,
      cachedInput: 2,
      estimated: false,
    });
    assert.equal(record.stream, true);
  });

  it('passes the usage chunk through when the agent asked for it', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'With usage' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage ??= chunk.usage ?? undefined;
    const served = mock.served.at(-1)!;
    assert.equal(usage?.prompt_tokens, served.inputTokens);
    assert.equal(usage?.completion_tokens, served.outputTokens);
  });

  it('answers legacy completions, plain and streaming', async () => {
    const before = fx.requests().length;
    const plain = await openai.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon a time',
    });
    assert.equal(plain.choices[0]?.text, mock.reply);
    const stream = await openai.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Again',
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.equal(text, mock.reply);
    const [first, second] = (await fx.waitForRequests(before + 2)).slice(before);
    const served = mock.served.slice(-2);
    assert.equal(first?.tokens.input, served[0]?.inputTokens);
    assert.equal(second?.tokens.output, served[1]?.outputTokens);
    assert.equal(second?.tokens.estimated, false);
  });

  it('answers embeddings and counts their input tokens', async () => {
    const before = fx.requests().length;
    const result = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    assert.equal(result.data.length, 2);
    assert.equal(result.data[0]?.embedding.length, MOCK_EMBEDDING_DIMENSIONS);
    assert.notDeepEqual(result.data[0]?.embedding, result.data[1]?.embedding, 'each text its own vector');
    const record = await logged(before + 1);
    assert.equal(record.tokens.input, mock.served.at(-1)?.inputTokens);
    assert.equal(record.tokens.output, 0);
  });

  it('answers the Responses API, plain and streaming (usage from response.completed)', async () => {
    const before = fx.requests().length;
    const plain = await openai.responses.create({ model: 'gpt-4o', input: 'Hello' });
    assert.equal(plain.output_text, mock.reply);
    const stream = await openai.responses.create({ model: 'gpt-4o', input: 'Hello again', stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    assert.equal(text, mock.reply);
    assert.ok(completed);
    const records = (await fx.waitForRequests(before + 2)).slice(before);
    const served = mock.served.slice(-2);
    records.forEach((record, i) => {
      assert.equal(record.tokens.input, served[i]?.inputTokens);
      assert.equal(record.tokens.output, served[i]?.outputTokens);
      assert.equal(record.tokens.estimated, false);
    });
  });

  it('answers Anthropic messages with x-api-key, plain and streaming (latest message_delta counts)', async () => {
    const before = fx.requests().length;
    const { data, response } = await anthropic.messages
      .create({
        model: 'claude-sonnet-4',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hi Claude' }],
      })
      .withResponse();
    assert.deepEqual(data.content, [{ type: 'text', text: mock.reply }]);
    assert.equal(response.headers.get('x-governor-target'), 'anthropic');
    const served = mock.served.at(-1)!;
    assert.equal(served.path, '/v1/messages');
    assert.equal(served.headers['x-api-key'], 'sk-ant-sidecar');
    assert.ok(served.headers['anthropic-version'], 'the SDK’s anthropic-version is forwarded');
    assert.doesNotMatch(JSON.stringify(served.headers), /must-not-leak/);

    const stream = await anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Stream, Claude' }],
      stream: true,
    });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.equal(text, mock.reply);
    const records = (await fx.waitForRequests(before + 2)).slice(before);
    const servedBoth = mock.served.slice(-2);
    records.forEach((record, i) => {
      assert.equal(record.tokens.input, servedBoth[i]?.inputTokens, 'input includes cache reads');
      assert.equal(record.tokens.cachedInput, 2);
      assert.equal(record.tokens.output, servedBoth[i]?.outputTokens);
    });
  });

  it('calls Azure OpenAI by deployment with its api-key header', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-azure', messages: [{ role: 'user', content: 'Azure?' }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, mock.reply);
    assert.equal(response.headers.get('x-governor-target'), 'azure');
    const served = mock.served.at(-1)!;
    assert.equal(served.path, '/openai/deployments/gpt-4o-prod/chat/completions');
    assert.equal(served.headers['api-key'], 'azure-sidecar-key');
    assert.equal(served.headers['authorization'], undefined);
  });

  it('ends a broken stream with an error the SDK raises, and counts what was sent, estimated', async () => {
    const before = fx.requests().length;
    mock.enqueue({ kind: 'truncate', afterEvents: 3 });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'This will break' }],
      stream: true,
    });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    }, /incomplete/);
    const served = mock.served.at(-1)!;
    assert.ok(text.length > 0 && text.length < mock.reply.length);
    const record = await logged(before + 1);
    assert.equal(record.tokens.estimated, true);
    assert.equal(
      record.tokens.output,
      served.outputTokens,
      'output counted with the tokenizer from what was seen',
    );
    assert.ok(record.tokens.input > 0);
    assert.equal(record.outcome, 'ServerError');

    mock.enqueue({ kind: 'truncate', afterEvents: 2 });
    const broken = await anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Break, Claude' }],
      stream: true,
    });
    await assert.rejects(async () => {
      for await (const _event of broken) {
        /* read until it breaks */
      }
    });
    const anthropicRecord = await logged(before + 2);
    const anthropicServed = mock.served.at(-1)!;
    assert.equal(
      anthropicRecord.tokens.input,
      anthropicServed.inputTokens,
      'input is exact from message_start',
    );
    assert.equal(anthropicRecord.tokens.output, anthropicServed.outputTokens);
    assert.equal(anthropicRecord.tokens.estimated, true);
  });

  it('answers 502 with a clear body for a 200 that is not JSON, and still counts it', async () => {
    const before = fx.requests().length;
    mock.enqueue({ kind: 'garbage' });
    await assert.rejects(
      openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.status, 502);
        assert.equal((err.error as { code?: string }).code, 'bad_upstream_response');
        assert.match(err.message, /primary: answered 200 with a body that is not JSON \(text\/html\)/);
        return true;
      },
    );
    const record = await logged(before + 1);
    assert.equal(record.tokens.estimated, true);
    assert.ok(record.tokens.output > 0);
  });

  it('exposes the counted tokens in /metrics', async () => {
    const metrics = await fx.metrics();
    const counted =
      metricValue(metrics, 'governor_sidecar_tokens_total', { kind: 'input' }) +
      metricValue(metrics, 'governor_sidecar_tokens_total', { kind: 'output' });
    const logged = fx.requests().reduce((sum, r) => sum + r.tokens.input + r.tokens.output, 0);
    assert.equal(counted, logged);
    assert.ok(counted > 0);
  });

  describe('bad input', () => {
    type ErrorJson = {
      error: { code: string; type: string; message: string; param?: unknown };
      type?: string;
    };
    const post = (path: string, body: string, contentType = 'application/json') =>
      fetch(`${fx.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const json = async (res: Response) => (await res.json()) as ErrorJson;

    it('refuses malformed JSON with an OpenAI-style 400', async () => {
      const res = await post('/v1/chat/completions', '{"model": "gpt-4o",');
      assert.equal(res.status, 400);
      const body = await json(res);
      assert.equal(body.error.code, 'invalid_json');
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(body.error.message, /not valid JSON/);
      assert.ok('param' in body.error);
    });

    it('refuses malformed JSON on /v1/messages Anthropic-style', async () => {
      const res = await post('/v1/messages', 'not json');
      assert.equal(res.status, 400);
      const body = await json(res);
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'invalid_request_error');
    });

    it('refuses a wrong content type', async () => {
      const res = await post('/v1/chat/completions', 'model=gpt-4o', 'application/x-www-form-urlencoded');
      assert.equal(res.status, 400);
      assert.match((await json(res)).error.message, /content-type must be application\/json/);
    });

    it('refuses a body over the limit with 413', async () => {
      const big = JSON.stringify({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
      });
      const res = await post('/v1/chat/completions', big);
      assert.equal(res.status, 413);
      assert.match((await json(res)).error.message, /limit of 65536 bytes/);
    });

    it('names the model and the routes there are for a model with no route', async () => {
      await assert.rejects(
        openai.chat.completions.create({
          model: 'gpt-5-turbo-max',
          messages: [{ role: 'user', content: 'x' }],
        }),
        (err: unknown) => {
          assert.ok(err instanceof OpenAI.NotFoundError);
          assert.match(err.message, /model "gpt-5-turbo-max" has no route/);
          assert.match(
            err.message,
            /routes: gpt-4o, text-embedding-3-small, gpt-3\.5-turbo-instruct, claude-sonnet-4, gpt-4o-azure\./,
          );
          return true;
        },
      );
      await assert.rejects(
        anthropic.messages.create({
          model: 'claude-opus-9',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
        }),
        (err: unknown) => err instanceof Anthropic.NotFoundError && /claude-opus-9/.test(err.message),
      );
    });

    it('refuses paths it does not govern, naming the ones it does', async () => {
      const res = await post('/v1/audio/speech', '{}');
      assert.equal(res.status, 404);
      assert.match((await json(res)).error.message, /POST \/v1\/chat\/completions, .*\/v1\/messages/);
      const get = await fetch(`${fx.url}/v1/chat/completions`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
    });

    it('answers health, readiness and the model list', async () => {
      assert.equal((await fetch(`${fx.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${fx.url}/readyz`)).status, 200);
      const models = await openai.models.list();
      assert.deepEqual(
        models.data.map((m) => m.id),
        ['gpt-4o', 'text-embedding-3-small', 'gpt-3.5-turbo-instruct', 'claude-sonnet-4', 'gpt-4o-azure'],
      );
    });
  });
});
