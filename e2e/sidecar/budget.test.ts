// Budgets through the real sidecar: phases Active → Warning (Degrade to the route's cheaper model)
// → refused with 429 in the calling SDK's error shape, naming the budget and its reset; a critical
// agent degraded instead of refused; the reasoning budget (clamp, calls per trace, chain depth); and
// the reservation that keeps 200 concurrent calls from overshooting the limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { metricValue, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

const route = (baseUrl: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o',
  targets: [{ name: 'primary', provider: 'OpenAI', endpoint: baseUrl }],
  degradeTo: { model: 'gpt-4o-mini' },
  retries: { attempts: 0 },
  ...extra,
});
const anthropicRoute = (url: string) => ({
  model: 'claude-sonnet-4',
  targets: [{ name: 'anthropic', provider: 'Anthropic', endpoint: url }],
  retries: { attempts: 0 },
});

describe('budgets through the sidecar', () => {
  let mock: MockLlm;
  before(async () => {
    mock = await startMockLlm();
  });
  after(() => mock?.close());

  describe('phases', () => {
    const LIMIT = 400;
    let fx: SidecarFixture;
    before(async () => {
      mock.reset();
      fx = await startSidecarFixture({
        routes: [route(mock.baseUrl), anthropicRoute(mock.url)],
        budgets: [
          {
            name: 'daily',
            period: { reset: 'Daily', timeZone: 'UTC' },
            limits: { tokens: LIMIT },
            thresholds: [
              { percent: 50, actions: ['Alert', 'Degrade'] },
              { percent: 100, actions: ['Alert'] },
            ],
          },
        ],
      });
    });
    after(() => fx?.close());

    it('degrades at the threshold, then refuses with an OpenAI- or Anthropic-style 429 naming the budget', async () => {
      const openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
      const anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent', maxRetries: 0 });
      const models: string[] = [];
      let refusal: InstanceType<typeof OpenAI.RateLimitError> | undefined;
      for (let i = 0; i < 60 && !refusal; i++) {
        try {
          const { response } = await openai.chat.completions
            .create({ model: 'gpt-4o', max_tokens: 20, messages: [{ role: 'user', content: `call ${i}` }] })
            .withResponse();
          models.push(mock.served.at(-1)?.model ?? '');
          if (mock.served.at(-1)?.model === 'gpt-4o-mini') {
            assert.match(response.headers.get('x-governor-decision') ?? '', /degraded:gpt-4o-mini/);
          }
        } catch (err) {
          assert.ok(err instanceof OpenAI.RateLimitError, String(err));
          refusal = err;
        }
      }
      assert.ok(refusal, 'the budget refused a call in the end');
      assert.equal(models[0], 'gpt-4o', 'Active: the model asked for');
      assert.ok(models.includes('gpt-4o-mini'), 'Warning: degraded to the cheaper model');
      assert.ok(
        models.indexOf('gpt-4o-mini') > 0 &&
          models.slice(models.indexOf('gpt-4o-mini')).every((m) => m === 'gpt-4o-mini'),
      );
      const body = refusal.error as { code: string; type: string; message: string };
      assert.match(body.code, /^budget_(exhausted|insufficient)$/);
      assert.equal(body.type, 'insufficient_quota');
      assert.match(refusal.message, /Token budget "daily" .* resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z/);
      assert.ok(Number(refusal.headers?.get('retry-after')) >= 1);

      await assert.rejects(
        anthropic.messages.create({
          model: 'claude-sonnet-4',
          max_tokens: 2000,
          messages: [{ role: 'user', content: 'x' }],
        }),
        (err: unknown) => {
          assert.ok(err instanceof Anthropic.RateLimitError);
          const e = err.error as { type: string; error: { type: string; message: string } };
          assert.equal(e.type, 'error');
          assert.equal(e.error.type, 'rate_limit_error');
          assert.match(e.error.message, /Token budget "daily"/);
          return true;
        },
      );
      const served = mock.totals();
      assert.ok(
        served.inputTokens + served.outputTokens <= LIMIT,
        `served ${served.inputTokens + served.outputTokens} > ${LIMIT}`,
      );
      const records = fx.requests();
      assert.equal(records.at(-1)?.outcome, 'Rejected');
      const counted = records.reduce((sum, r) => sum + r.tokens.input + r.tokens.output, 0);
      assert.equal(counted, served.inputTokens + served.outputTokens, 'every token served is counted');
      const metrics = await fx.metrics();
      assert.equal(metricValue(metrics, 'governor_sidecar_budget_used_tokens', { budget: 'daily' }), counted);
    });
  });

  describe('a critical agent', () => {
    let fx: SidecarFixture;
    before(async () => {
      fx = await startSidecarFixture({
        agent: { name: 'pager', critical: true },
        routes: [route(mock.baseUrl)],
        budgets: [{ name: 'tiny', limits: { tokens: 30 } }],
      });
    });
    after(() => fx?.close());

    it('is degraded instead of refused when the budget runs out', async () => {
      const openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
      for (let i = 0; i < 4; i++) {
        const answer = await openai.chat.completions.create({
          model: 'gpt-4o',
          max_tokens: 20,
          messages: [{ role: 'user', content: 'still here?' }],
        });
        assert.equal(answer.choices[0]?.message.content, mock.reply);
      }
      assert.equal(mock.served.at(-1)?.model, 'gpt-4o-mini');
      assert.ok(
        fx
          .requests()
          .at(-1)
          ?.decisions.some((d) => d.startsWith('critical:')),
      );
    });
  });

  describe('reasoning budget', () => {
    let fx: SidecarFixture;
    let openai: OpenAI;
    before(async () => {
      fx = await startSidecarFixture({
        routes: [route(mock.baseUrl)],
        reasoning: {
          maxTokensPerRequest: 64,
          maxCallsPerTrace: 3,
          maxChainDepth: 2,
          useCases: [{ name: 'summarize', maxTokensPerRequest: 16 }],
        },
      });
      openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
    });
    after(() => fx?.close());

    it('clamps max_tokens to the request limit, tighter for a use case', async () => {
      const { response } = await openai.chat.completions
        .create({ model: 'gpt-4o', max_tokens: 5000, messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      assert.equal(mock.served.at(-1)?.body['max_tokens'], 64);
      assert.match(response.headers.get('x-governor-decision') ?? '', /clamp/);
      await openai.chat.completions.create(
        { model: 'gpt-4o', max_completion_tokens: 5000, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-governor-use-case': 'summarize' } },
      );
      assert.equal(mock.served.at(-1)?.body['max_completion_tokens'], 16);
      await openai.chat.completions.create({
        model: 'gpt-4o',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      });
      assert.equal(mock.served.at(-1)?.body['max_tokens'], 10, 'a smaller limit stays');
    });

    it('refuses calls beyond the maximum per trace', async () => {
      const trace = { 'x-governor-trace-id': 'job-7' };
      for (let i = 0; i < 3; i++) {
        await openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: trace },
        );
      }
      await assert.rejects(
        openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: trace },
        ),
        (err: unknown) => {
          assert.ok(err instanceof OpenAI.RateLimitError);
          assert.equal((err.error as { code: string }).code, 'reasoning_budget_exceeded');
          assert.match(err.message, /job-7/);
          return true;
        },
      );
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      for (let i = 0; i < 3; i++) {
        await openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: { traceparent } },
        );
      }
      await assert.rejects(
        openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: { traceparent } },
        ),
        OpenAI.RateLimitError,
      );
    });

    it('refuses a chain deeper than the maximum, and a malformed depth', async () => {
      await openai.chat.completions.create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-governor-chain-depth': '2' } },
      );
      await assert.rejects(
        openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-governor-chain-depth': '3' } },
        ),
        (err: unknown) => err instanceof OpenAI.RateLimitError && /chain/i.test(err.message),
      );
      await assert.rejects(
        openai.chat.completions.create(
          { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
          { headers: { 'x-governor-chain-depth': 'deep' } },
        ),
        (err: unknown) => err instanceof OpenAI.BadRequestError && /x-governor-chain-depth/.test(err.message),
      );
    });
  });

  describe('reservation under concurrency', () => {
    const LIMIT = 2_000;
    let slow: MockLlm;
    let fx: SidecarFixture;
    before(async () => {
      slow = await startMockLlm();
      slow.always = { kind: 'delay', ms: 50 };
      fx = await startSidecarFixture({
        routes: [route(slow.baseUrl)],
        budgets: [{ name: 'burst', limits: { tokens: LIMIT } }],
      });
    });
    after(async () => {
      await fx?.close();
      await slow?.close();
    });

    it('never lets 200 concurrent calls spend more than the limit', async () => {
      const openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          openai.chat.completions.create({
            model: 'gpt-4o',
            max_tokens: 20,
            messages: [{ role: 'user', content: `request ${i}` }],
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results.filter(
        (r) => r.status === 'rejected' && r.reason instanceof OpenAI.RateLimitError,
      ).length;
      assert.equal(ok + refused, 200, 'every call was answered or refused with 429');
      assert.ok(ok > 10, `enough calls were admitted (${ok})`);
      assert.ok(refused > 0, 'the limit was reached');
      const served = slow.totals();
      assert.equal(served.calls, ok);
      const spent = served.inputTokens + served.outputTokens;
      assert.ok(spent <= LIMIT, `spent ${spent} tokens of a ${LIMIT} limit`);
      const counted = (await fx.waitForRequests(200)).reduce(
        (sum, r) => sum + r.tokens.input + r.tokens.output,
        0,
      );
      assert.equal(counted, spent);
    });
  });
});
