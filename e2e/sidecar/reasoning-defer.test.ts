// Past the reasoning budget, a deferred answer: with onExceeded: Defer a call past maxCallsPerTrace
// goes, through a real sidecar, to the mock provider's batch API (OpenAI Files + Batches, Anthropic
// Message Batches); the official clients get 202 with a job id, the agent polls
// GET /v1/governor/deferred/{id} (202 while the batch runs), gets the provider's answer once, then
// 410; its usage is counted once at the batch price; jobs outlive a sidecar restart (spool dir); the
// sidecar's background poller fetches and counts a result the agent has not polled for, and the
// agent still gets it once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { metricValue, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

const config = (mock: MockLlm) => ({
  routes: [
    {
      model: 'gpt-4o',
      targets: [{ name: 'openai', provider: 'OpenAI', endpoint: mock.baseUrl, apiKey: 'sk-sidecar' }],
      retries: { attempts: 0 },
    },
    {
      model: 'claude-sonnet-4',
      targets: [{ name: 'anthropic', provider: 'Anthropic', endpoint: mock.url, apiKey: 'sk-ant-sidecar' }],
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
  pricing: {
    'gpt-4o': { input: '2.50', output: '10.00' },
    'claude-sonnet-4': { input: '3.00', output: '15.00', batchPercent: 40 },
  },
  reasoning: {
    maxCallsPerTrace: 1,
    useCases: [{ name: 'report', onExceeded: 'Defer', defer: { completionWindow: '24h' } }],
  },
});

describe('reasoning budget: Defer past a limit', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  const spool = mkdtempSync(join(tmpdir(), 'defer-spool-'));

  before(async () => {
    mock = await startMockLlm({ reply: 'A considered answer, later.' });
    mock.batches.pollsUntilDone = 1;
    fx = await startSidecarFixture(config(mock), { spoolDir: spool });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
    rmSync(spool, { recursive: true, force: true });
  });

  const poll = async (id: string) => {
    const response = await fetch(`${fx.url}/v1/governor/deferred/${id}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const headers = (trace: string) => ({
    headers: { 'x-governor-trace-id': trace, 'x-governor-use-case': 'report' },
  });

  it('answers the OpenAI call past the limit with 202, delivers the batch answer once at the batch price', async () => {
    const openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
    await openai.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'first step' }] },
      headers('report-1'),
    );
    const before = mock.totals().calls;
    const { data, response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'the long report' }] },
        headers('report-1'),
      )
      .withResponse();
    assert.equal(response.status, 202);
    assert.match(
      response.headers.get('x-governor-decision') ?? '',
      /^deferred,reasoning-exceeded:maxCallsPerTrace=1,deferred-id:dfr_/,
    );
    const job = data as unknown as { id: string; object: string; status: string; poll: string };
    assert.equal(job.object, 'governor.deferred_call');
    assert.equal(job.status, 'submitted');
    assert.equal(job.poll, `/v1/governor/deferred/${job.id}`);
    assert.equal(mock.totals().calls, before, 'nothing went to the synchronous API');
    const item = mock.batches.items.at(-1)!;
    assert.equal(item.provider, 'OpenAI');
    assert.equal(item.customId, job.id);
    assert.equal(item.model, 'gpt-4o');

    assert.equal((await poll(job.id)).status, 202, 'in progress while the batch runs');
    const done = await poll(job.id);
    assert.equal(done.status, 200);
    assert.equal(done.body['object'], 'chat.completion');
    assert.equal(
      (done.body['choices'] as { message: { content: string } }[])[0]?.message.content,
      'A considered answer, later.',
    );
    const again = await poll(job.id);
    assert.equal(again.status, 410, 'a result is delivered once');
    assert.equal((again.body['error'] as { code: string }).code, 'deferred_call_delivered');

    const delivered = fx.requests().filter((r) => r.decisions.includes(`deferred-completed:${job.id}`));
    assert.equal(delivered.length, 1, 'usage is counted once');
    const [record] = delivered;
    assert.equal(record?.tokens.input, item.inputTokens);
    assert.equal(record?.tokens.output, item.outputTokens);
    const full = item.inputTokens * 2.5 + item.outputTokens * 10;
    assert.ok(
      Math.abs((record?.costMicros ?? 0) - full / 2) <= 1,
      `batch price is half: ${record?.costMicros}`,
    );
    const metrics = await fx.metrics();
    assert.equal(metricValue(metrics, 'governor_sidecar_deferred_calls_total', { outcome: 'submitted' }), 1);
    assert.equal(metricValue(metrics, 'governor_sidecar_deferred_calls_total', { outcome: 'delivered' }), 1);
    assert.equal((await poll('dfr_000000000000000000000000')).status, 404);
  });

  it("defers an Anthropic call through Message Batches, at the catalog's batchPercent, and outlives a restart", async () => {
    const anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent', maxRetries: 0 });
    const ask = () =>
      anthropic.messages
        .create(
          { model: 'claude-sonnet-4', max_tokens: 300, messages: [{ role: 'user', content: 'review it' }] },
          headers('review-1'),
        )
        .withResponse();
    assert.equal((await ask()).response.status, 200);
    const { data, response } = await ask();
    assert.equal(response.status, 202);
    const id = (data as unknown as { id: string }).id;
    assert.equal(mock.batches.items.at(-1)?.provider, 'Anthropic');
    assert.equal(mock.batches.items.at(-1)?.body['max_tokens'], 300);

    // The sidecar restarts on the same spool: the job is still known, and answered.
    await fx.close();
    fx = await startSidecarFixture(config(mock), { spoolDir: spool });
    assert.equal((await poll(id)).status, 202);
    const done = await poll(id);
    assert.equal(done.status, 200);
    assert.equal(done.body['type'], 'message');
    assert.equal(done.body['model'], 'claude-sonnet-4');
    const item = mock.batches.items.at(-1)!;
    const [record] = fx.requests().filter((r) => r.decisions.includes(`deferred-completed:${id}`));
    const full = item.inputTokens * 3 + item.outputTokens * 15;
    assert.ok(
      Math.abs((record?.costMicros ?? 0) - full * 0.4) <= 1,
      `batch price 40 %: ${record?.costMicros}`,
    );
    assert.equal((await poll(id)).status, 410);
  });

  it('counts the usage of a finished batch without the agent polling, and still delivers it once', async () => {
    const ownSpool = mkdtempSync(join(tmpdir(), 'defer-background-'));
    const background = await startSidecarFixture(config(mock), {
      spoolDir: ownSpool,
      deferredPollIntervalMs: 50,
    });
    try {
      const openai = new OpenAI({ baseURL: background.baseURL, apiKey: 'agent', maxRetries: 0 });
      const ask = () =>
        openai.chat.completions
          .create(
            { model: 'gpt-4o', messages: [{ role: 'user', content: 'the nightly report' }] },
            headers('nightly-1'),
          )
          .withResponse();
      assert.equal((await ask()).response.status, 200);
      const { data, response } = await ask();
      assert.equal(response.status, 202);
      const id = (data as unknown as { id: string }).id;
      const item = mock.batches.items.at(-1)!;

      // Nobody polls: the background rounds see the batch end, fetch the result and count it.
      const counted = () =>
        background.requests().filter((r) => r.decisions.includes(`deferred-completed:${id}`));
      const deadline = Date.now() + 5_000;
      while (counted().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const [record] = counted();
      assert.ok(record, 'usage counted without a poll');
      assert.equal(record.tokens.input, item.inputTokens);
      assert.equal(record.tokens.output, item.outputTokens);
      const full = item.inputTokens * 2.5 + item.outputTokens * 10;
      assert.ok(Math.abs(record.costMicros - full / 2) <= 1, `batch price is half: ${record.costMicros}`);
      let metrics = await background.metrics();
      assert.equal(
        metricValue(metrics, 'governor_sidecar_deferred_calls_total', { outcome: 'completed' }),
        1,
      );
      assert.equal(
        metricValue(metrics, 'governor_sidecar_deferred_calls_total', { outcome: 'delivered' }),
        0,
      );

      // The agent polls later: the stored result, once, not counted again.
      const done = await fetch(`${background.url}/v1/governor/deferred/${id}`);
      assert.equal(done.status, 200);
      const body = (await done.json()) as { choices: { message: { content: string } }[] };
      assert.equal(body.choices[0]?.message.content, 'A considered answer, later.');
      assert.equal((await fetch(`${background.url}/v1/governor/deferred/${id}`)).status, 410);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(counted().length, 1, 'counted exactly once');
      metrics = await background.metrics();
      assert.equal(
        metricValue(metrics, 'governor_sidecar_deferred_calls_total', { outcome: 'completed' }),
        1,
      );
      assert.equal(
        metricValue(metrics, 'governor_sidecar_deferred_calls_total', { outcome: 'delivered' }),
        1,
      );
    } finally {
      await background.close();
      rmSync(ownSpool, { recursive: true, force: true });
    }
  });
});
