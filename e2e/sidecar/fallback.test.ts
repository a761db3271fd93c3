// Every fallback trigger through the real sidecar — 429 with retry-after, 5xx, a refused connection,
// a timeout, garbage — and what the headers say about it; the static last resort (JSON and SSE, read
// by the SDKs); and the circuit breaker going Closed → Open → HalfOpen → Closed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { metricValue, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

const STATIC_TEXT = 'The assistant is busy; your request was noted.';

describe('fallbacks through the sidecar', () => {
  let primary: MockLlm;
  let secondary: MockLlm;
  let refusedUrl: string;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    primary = await startMockLlm({ reply: 'from primary' });
    secondary = await startMockLlm({ reply: 'from secondary' });
    const gone = await startMockLlm();
    refusedUrl = gone.baseUrl;
    await gone.close();
    const retries = { attempts: 1, backoff: { base: '20ms', max: '100ms' } };
    fx = await startSidecarFixture({
      routes: [
        {
          model: 'gpt-4o',
          targets: [
            { name: 'primary', provider: 'OpenAI', endpoint: primary.baseUrl, apiKey: 'sk-primary' },
            { name: 'secondary', provider: 'OpenAI', endpoint: secondary.baseUrl, apiKey: 'sk-secondary' },
          ],
          timeouts: { perAttempt: '300ms', overall: '5s' },
          retries,
          circuitBreaker: { failureThreshold: 100, openDuration: '1s', halfOpenRequests: 1 },
        },
        {
          model: 'unreachable',
          targets: [
            { name: 'refused', provider: 'OpenAI', endpoint: refusedUrl },
            { name: 'secondary', provider: 'OpenAI', endpoint: secondary.baseUrl },
          ],
          retries,
        },
        {
          name: 'last-resort',
          model: 'claude-sonnet-4',
          targets: [{ name: 'refused', provider: 'Anthropic', endpoint: refusedUrl.replace(/\/v1$/, '') }],
          retries: { attempts: 0 },
          staticResponse: { content: STATIC_TEXT },
        },
        {
          name: 'static-openai',
          model: 'gpt-4o-mini',
          targets: [{ name: 'refused', provider: 'OpenAI', endpoint: refusedUrl }],
          retries: { attempts: 0 },
          staticResponse: { content: STATIC_TEXT },
        },
        {
          name: 'breaker',
          model: 'breaker-model',
          targets: [
            { name: 'flaky', provider: 'OpenAI', endpoint: primary.baseUrl },
            { name: 'steady', provider: 'OpenAI', endpoint: secondary.baseUrl },
          ],
          retries: { attempts: 0 },
          circuitBreaker: { failureThreshold: 2, openDuration: '400ms', halfOpenRequests: 1 },
        },
      ],
    });
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await primary?.close();
    await secondary?.close();
  });

  const chat = (model = 'gpt-4o') =>
    openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] }).withResponse();

  it('retries a 429 on the same target after its retry-after', async () => {
    primary.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0.3' } });
    const began = Date.now();
    const { data, response } = await chat();
    assert.equal(data.choices[0]?.message.content, 'from primary');
    assert.ok(Date.now() - began >= 290, 'honoured retry-after');
    assert.equal(response.headers.get('x-governor-target'), 'primary');
    assert.equal(response.headers.get('x-governor-attempts'), '2');
    assert.equal(response.headers.get('x-governor-fallback-reason'), 'primary:RateLimited');
  });

  it('falls back to the next target on 5xx after the retries', async () => {
    primary.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    const { data, response } = await chat();
    assert.equal(data.choices[0]?.message.content, 'from secondary');
    assert.equal(response.headers.get('x-governor-target'), 'secondary');
    assert.equal(response.headers.get('x-governor-attempts'), '3');
    assert.equal(
      response.headers.get('x-governor-fallback-reason'),
      'primary:ServerError,primary:ServerError',
    );
    assert.equal(secondary.served.at(-1)?.headers['authorization'], 'Bearer sk-secondary');
  });

  it('falls back when the connection is refused', async () => {
    const { data, response } = await chat('unreachable');
    assert.equal(data.choices[0]?.message.content, 'from secondary');
    assert.equal(
      response.headers.get('x-governor-fallback-reason'),
      'refused:ConnectionError,refused:ConnectionError',
    );
  });

  it('falls back when an attempt times out', async () => {
    primary.enqueue({ kind: 'hang' }, { kind: 'delay', ms: 1000 });
    const began = Date.now();
    const { data, response } = await chat();
    assert.equal(data.choices[0]?.message.content, 'from secondary');
    assert.equal(response.headers.get('x-governor-fallback-reason'), 'primary:Timeout,primary:Timeout');
    assert.ok(Date.now() - began < 1500, 'per-attempt timeout of 300 ms applied');
  });

  it('falls back on garbage without retrying it', async () => {
    primary.enqueue({ kind: 'garbage' });
    const { data, response } = await chat();
    assert.equal(data.choices[0]?.message.content, 'from secondary');
    assert.equal(response.headers.get('x-governor-fallback-reason'), 'primary:BadResponse');
    assert.equal(response.headers.get('x-governor-attempts'), '2');
  });

  it('tries again when a stream breaks before its first event', async () => {
    primary.enqueue({ kind: 'truncate', afterEvents: 0 });
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    // The connection dropped before any event: retried like a connection error, nothing reached the agent.
    assert.equal(response.headers.get('x-governor-fallback-reason'), 'primary:ConnectionError');
    assert.equal(response.headers.get('x-governor-attempts'), '2');
    assert.equal(text, 'from primary');
  });

  it('answers the static last resort, as an Anthropic message and as an SSE stream', async () => {
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    assert.deepEqual(data.content, [{ type: 'text', text: STATIC_TEXT }]);
    assert.equal(response.headers.get('x-governor-fallback'), 'static');
    assert.equal(response.headers.get('x-governor-fallback-reason'), 'refused:ConnectionError');

    const stream = await anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.equal(text, STATIC_TEXT);

    const chatStream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let chatText = '';
    for await (const chunk of chatStream) chatText += chunk.choices[0]?.delta.content ?? '';
    assert.equal(chatText, STATIC_TEXT);
    const records = fx.requests().slice(-3);
    assert.deepEqual(
      records.map((r) => [r.outcome, r.tokens.input + r.tokens.output]),
      [
        ['StaticFallback', 0],
        ['StaticFallback', 0],
        ['StaticFallback', 0],
      ],
    );
  });

  it('opens the circuit of a failing target, probes it half-open, and closes it again', async () => {
    const circuit = async () =>
      metricValue(await fx.metrics(), 'governor_sidecar_circuit_state', {
        route: 'breaker',
        target: 'flaky',
      });
    primary.always = { kind: 'status', status: 500 };
    try {
      // Closed: two failures in a row (threshold 2) open the circuit.
      for (let i = 0; i < 2; i++) {
        const { response } = await chat('breaker-model');
        assert.equal(response.headers.get('x-governor-fallback-reason'), 'flaky:ServerError');
      }
      assert.equal(await circuit(), 2, 'Open');
      const callsBefore = primary.served.length;
      const { response: skipped } = await chat('breaker-model');
      assert.equal(skipped.headers.get('x-governor-fallback-reason'), 'flaky:CircuitOpen');
      assert.equal(skipped.headers.get('x-governor-target'), 'steady');
      assert.equal(primary.served.length, callsBefore, 'an open circuit sends nothing to the target');

      // After openDuration, one probe goes through; it fails, so the circuit opens again.
      await sleep(450);
      const { response: probe } = await chat('breaker-model');
      assert.equal(probe.headers.get('x-governor-fallback-reason'), 'flaky:ServerError');
      assert.equal(primary.served.length, callsBefore + 1);
      assert.equal(await circuit(), 2, 'Open again after a failed probe');
    } finally {
      primary.always = undefined;
    }
    // The target recovers: the next probe succeeds and closes the circuit.
    await sleep(450);
    const { data, response } = await chat('breaker-model');
    assert.equal(response.headers.get('x-governor-target'), 'flaky');
    assert.equal(data.choices[0]?.message.content, 'from primary');
    assert.equal(await circuit(), 0, 'Closed');
    const log = fx
      .logLines()
      .filter((l) => l['msg'] === 'circuit changed')
      .map((l) => l['circuit']);
    assert.ok(log.includes('Open') && log.includes('HalfOpen'), `circuit changes logged: ${log.join(', ')}`);
  });
});
