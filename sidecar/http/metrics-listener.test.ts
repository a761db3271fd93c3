import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';
import { startMetricsListener } from './metrics-listener.js';

describe('the sidecar with --metrics-port', () => {
  let llm: MockLlm;
  let fx: SidecarFixture;
  let metricsUrl: string;
  before(async () => {
    llm = await startMockLlm({ reply: 'hello' });
    fx = await startSidecarFixture(
      { routes: [openAIRoute('gpt-4o', llm.baseUrl)] },
      { metricsPort: 0, metricsHost: '127.0.0.1' },
    );
    metricsUrl = fx.sidecar.metricsUrl as string;
  });
  after(async () => {
    await fx?.close();
    await llm?.close();
  });

  it('listens on a port of its own, apart from the proxy', () => {
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(metricsUrl, fx.url);
  });

  it('answers GET /metrics with the call just made (batched calls flushed first), as the proxy does', async () => {
    const call = await fetch(`${fx.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(call.status, 200);
    await call.text();
    const scrape = await fetch(`${metricsUrl}/metrics`);
    assert.equal(scrape.status, 200);
    assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await scrape.text();
    assert.equal(metricValue(text, 'governor_sidecar_requests_total', { route: 'gpt-4o' }), 1, text);
    assert.ok(metricValue(text, 'governor_sidecar_tokens_total', { kind: 'input' }) > 0, text);
    const viaProxy = await fx.metrics();
    assert.equal(metricValue(viaProxy, 'governor_sidecar_requests_total', { route: 'gpt-4o' }), 1);
  });

  it('refuses the governed APIs and everything else with a 404, never reaching the provider', async () => {
    const before = llm.served.length;
    const chat = await fetch(`${metricsUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'spend' }] }),
    });
    assert.equal(chat.status, 404);
    assert.match(await chat.text(), /answers GET \/metrics only/);
    for (const [method, path] of [
      ['POST', '/v1/messages'],
      ['GET', '/v1/models'],
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['POST', '/metrics'],
      ['GET', '/'],
    ] as const) {
      const answer = await fetch(`${metricsUrl}${path}`, { method });
      await answer.text();
      assert.equal(answer.status, 404, `${method} ${path}`);
    }
    assert.equal(llm.served.length, before, 'no call went upstream');
  });
});

/** A metrics listener on a free loopback port, answering an empty scrape. */
const emptyListener = (port = 0) =>
  startMetricsListener({
    host: '127.0.0.1',
    port,
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
    onError: () => {},
  });

describe('startSidecar with a metrics port that is taken', () => {
  it('fails to start, naming the bind error', async () => {
    const taken = await emptyListener();
    try {
      await assert.rejects(
        startSidecarFixture(
          { routes: [openAIRoute('gpt-4o', 'http://127.0.0.1:9/v1')] },
          { port: 0, metricsPort: taken.port, metricsHost: '127.0.0.1' },
        ),
        /EADDRINUSE/,
      );
    } finally {
      await taken.close();
    }
  });
});

describe('startMetricsListener', () => {
  it('answers 500 when the scrape fails, and stops listening on close', async () => {
    const errors: unknown[] = [];
    const listener = await startMetricsListener({
      host: '127.0.0.1',
      port: 0,
      metrics: () => Promise.reject(new Error('registry broke')),
      onError: (err) => errors.push(err),
    });
    const failed = await fetch(`${listener.url}/metrics`);
    assert.equal(failed.status, 500);
    await failed.text();
    assert.match(String(errors[0]), /registry broke/);
    await listener.close();
    await assert.rejects(fetch(`${listener.url}/metrics`), 'nothing listens after close');
  });

  it('fails to start naming the bind error when the port is taken', async () => {
    const first = await emptyListener();
    try {
      await assert.rejects(emptyListener(first.port), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
