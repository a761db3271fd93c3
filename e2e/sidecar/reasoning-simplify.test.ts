// Past the reasoning budget, a simpler answer rather than a refusal: through a real sidecar and the
// mock provider, with the official openai and @anthropic-ai/sdk clients, JSON and streams. A use
// case with onExceeded: Simplify has a call past maxCallsPerTrace, maxChainDepth or
// maxTokensPerRequest answered by its cheaper model, its output capped at simplify.maxTokens, the
// answer saying so in x-governor-decision, its usage counted at the cheaper model's price and the
// metric governor_sidecar_reasoning_simplified_total counting it; a prompt over
// maxInputTokensPerRequest still gets 400; a use case that says Refuse still gets 429.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { metricValue, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

/** Price per million tokens, USD: what the sidecar is told, and what the test expects it to count. */
const PRICES = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-haiku-4': { input: 0.8, output: 4 },
} as const;
const costMicros = (model: keyof typeof PRICES, input: number, output: number) =>
  input * PRICES[model].input + output * PRICES[model].output;

describe('reasoning budget: Simplify past a limit', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    mock = await startMockLlm();
    fx = await startSidecarFixture({
      routes: [
        {
          model: 'gpt-4o',
          targets: [{ name: 'openai', provider: 'OpenAI', endpoint: mock.baseUrl }],
          retries: { attempts: 0 },
        },
        {
          model: 'claude-sonnet-4',
          targets: [{ name: 'anthropic', provider: 'Anthropic', endpoint: mock.url }],
          retries: { attempts: 0 },
        },
      ],
      budgets: [
        {
          name: 'daily',
          period: { reset: 'Daily', timeZone: 'UTC' },
          limits: { tokens: 10_000_000, cost: '1000' },
          thresholds: [{ percent: 100, actions: ['Alert'] }],
        },
      ],
      pricing: Object.fromEntries(
        Object.entries(PRICES).map(([model, p]) => [
          model,
          { input: p.input.toFixed(2), output: p.output.toFixed(2) },
        ]),
      ),
      reasoning: {
        maxTokensPerRequest: 256,
        maxInputTokensPerRequest: 400,
        maxCallsPerTrace: 2,
        maxChainDepth: 2,
        useCases: [
          {
            name: 'brainstorm',
            onExceeded: 'Simplify',
            simplify: { model: 'gpt-4o-mini', maxTokens: 32 },
          },
          {
            name: 'review',
            onExceeded: 'Simplify',
            simplify: { model: 'claude-haiku-4', maxTokens: 24 },
          },
          // Refuse, as without onExceeded: the budget-wide default.
          { name: 'strict', onExceeded: 'Refuse' },
        ],
      },
    });
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
  });

  const ask = (trace: string, useCase: string, extra: Record<string, string> = {}) => ({
    headers: { 'x-governor-trace-id': trace, 'x-governor-use-case': useCase, ...extra },
  });

  it('answers the call past maxCallsPerTrace with the cheaper model, capped, and says so (OpenAI, JSON and stream)', async () => {
    for (let i = 0; i < 2; i++) {
      const { response } = await openai.chat.completions
        .create(
          { model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: `step ${i}` }] },
          ask('plan-1', 'brainstorm'),
        )
        .withResponse();
      assert.equal(mock.served.at(-1)?.model, 'gpt-4o', 'within the limit: the model asked for');
      assert.doesNotMatch(response.headers.get('x-governor-decision') ?? '', /simplified/);
    }
    const { data, response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'step 2' }] },
        ask('plan-1', 'brainstorm'),
      )
      .withResponse();
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get('x-governor-decision'),
      'simplified:gpt-4o-mini,reasoning-exceeded:maxCallsPerTrace=2',
    );
    const served = mock.served.at(-1)!;
    assert.equal(served.model, 'gpt-4o-mini', 'the cheaper model answered');
    assert.equal(served.body['max_tokens'], 32, 'its output capped at simplify.maxTokens');
    assert.equal(data.model, 'gpt-4o-mini');
    assert.ok(data.choices[0]?.message.content);

    // Streamed, the same; max_completion_tokens is capped in its own field.
    const stream = await openai.chat.completions
      .create(
        {
          model: 'gpt-4o',
          max_completion_tokens: 1000,
          stream: true,
          messages: [{ role: 'user', content: 'step 3' }],
        },
        ask('plan-1', 'brainstorm'),
      )
      .withResponse();
    assert.equal(
      stream.response.headers.get('x-governor-decision'),
      'simplified:gpt-4o-mini,reasoning-exceeded:maxCallsPerTrace=2',
    );
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 0, 'the stream carried the answer');
    assert.equal(mock.served.at(-1)?.model, 'gpt-4o-mini');
    assert.equal(mock.served.at(-1)?.stream, true);
    assert.equal(mock.served.at(-1)?.body['max_completion_tokens'], 32);

    // Usage is counted for the model that answered, at its price.
    const records = await fx.waitForRequests(4);
    const simplified = records.filter((r) => r.decisions.includes('simplified:gpt-4o-mini'));
    assert.equal(simplified.length, 2);
    for (const r of simplified) {
      assert.equal(r.requestedModel, 'gpt-4o');
      assert.equal(r.model, 'gpt-4o-mini');
      assert.equal(r.outcome, 'Success');
      assert.ok(Math.abs(r.costMicros - costMicros('gpt-4o-mini', r.tokens.input, r.tokens.output)) <= 1);
    }
    const metrics = await fx.metrics();
    assert.equal(
      metricValue(metrics, 'governor_sidecar_reasoning_simplified_total', { limit: 'maxCallsPerTrace' }),
      2,
    );
  });

  it('simplifies a request for more than maxTokensPerRequest, and a chain deeper than maxChainDepth', async () => {
    const { response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', max_tokens: 4000, messages: [{ role: 'user', content: 'write a novel' }] },
        ask('plan-2', 'brainstorm'),
      )
      .withResponse();
    assert.equal(
      response.headers.get('x-governor-decision'),
      'simplified:gpt-4o-mini,reasoning-exceeded:maxTokensPerRequest=256',
    );
    assert.equal(mock.served.at(-1)?.body['max_tokens'], 32);
    const deep = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'delegate' }] },
        ask('plan-3', 'brainstorm', { 'x-governor-chain-depth': '3' }),
      )
      .withResponse();
    assert.equal(
      deep.response.headers.get('x-governor-decision'),
      'simplified:gpt-4o-mini,reasoning-exceeded:maxChainDepth=2',
    );
    assert.equal(mock.served.at(-1)?.model, 'gpt-4o-mini');
    assert.equal(mock.served.at(-1)?.body['max_tokens'], 32, 'a request with no limit gets the cap');
  });

  it('answers the Anthropic way too: max_tokens capped, JSON and stream', async () => {
    for (let i = 0; i < 2; i++) {
      await anthropic.messages.create(
        { model: 'claude-sonnet-4', max_tokens: 200, messages: [{ role: 'user', content: `look ${i}` }] },
        ask('review-1', 'review'),
      );
      assert.equal(mock.served.at(-1)?.model, 'claude-sonnet-4');
    }
    const { data, response } = await anthropic.messages
      .create(
        { model: 'claude-sonnet-4', max_tokens: 200, messages: [{ role: 'user', content: 'look again' }] },
        ask('review-1', 'review'),
      )
      .withResponse();
    assert.equal(
      response.headers.get('x-governor-decision'),
      'simplified:claude-haiku-4,reasoning-exceeded:maxCallsPerTrace=2',
    );
    assert.equal(data.model, 'claude-haiku-4');
    assert.equal(mock.served.at(-1)?.model, 'claude-haiku-4');
    assert.equal(mock.served.at(-1)?.body['max_tokens'], 24);

    const stream = await anthropic.messages
      .create(
        {
          model: 'claude-sonnet-4',
          max_tokens: 200,
          stream: true,
          messages: [{ role: 'user', content: 'and again' }],
        },
        ask('review-1', 'review'),
      )
      .withResponse();
    assert.equal(
      stream.response.headers.get('x-governor-decision'),
      'simplified:claude-haiku-4,reasoning-exceeded:maxCallsPerTrace=2',
    );
    let text = '';
    for await (const event of stream.data) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.ok(text.length > 0);
    assert.equal(mock.served.at(-1)?.model, 'claude-haiku-4');
    assert.equal(mock.served.at(-1)?.body['max_tokens'], 24);
    const records = fx.requests().filter((r) => r.decisions.includes('simplified:claude-haiku-4'));
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.model, 'claude-haiku-4');
      assert.ok(r.tokens.output > 0, 'the stream usage was read');
      assert.ok(Math.abs(r.costMicros - costMicros('claude-haiku-4', r.tokens.input, r.tokens.output)) <= 1);
    }
  });

  it('still refuses a prompt over maxInputTokensPerRequest with 400: a cheaper model cannot shrink it', async () => {
    const before = mock.totals().calls;
    const refused = await openai.chat.completions
      .create(
        {
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'a long question about budgets '.repeat(100) }],
        },
        ask('plan-1', 'brainstorm', { 'x-governor-chain-depth': '5' }),
      )
      .then(
        () => assert.fail('the long prompt was admitted'),
        (err: unknown) => err,
      );
    assert.ok(refused instanceof OpenAI.BadRequestError, String(refused));
    assert.equal(refused.code, 'reasoning_budget_exceeded');
    assert.equal(refused.param, 'messages');
    assert.equal(mock.totals().calls, before, 'nothing reached the provider');
  });

  it('still refuses with 429 past the limit for a use case that says Refuse', async () => {
    for (let i = 0; i < 2; i++) {
      await openai.chat.completions.create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: `strict ${i}` }] },
        ask('plan-9', 'strict'),
      );
    }
    const before = mock.totals().calls;
    await assert.rejects(
      openai.chat.completions.create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'strict 2' }] },
        ask('plan-9', 'strict'),
      ),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.RateLimitError, String(err));
        assert.equal(err.code, 'reasoning_budget_exceeded');
        assert.match(err.message, /trace plan-9 has already made 2 calls/);
        return true;
      },
    );
    await assert.rejects(
      anthropic.messages.create(
        { model: 'claude-sonnet-4', max_tokens: 50, messages: [{ role: 'user', content: 'deep' }] },
        ask('plan-10', 'strict', { 'x-governor-chain-depth': '3' }),
      ),
      (err: unknown) => err instanceof Anthropic.RateLimitError && /chain depth 3/.test(err.message),
    );
    assert.equal(mock.totals().calls, before, 'refused calls never reached the provider');
  });
});
