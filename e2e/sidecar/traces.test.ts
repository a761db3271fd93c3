// Traces through a real sidecar to the OpenTelemetry Collector's OTLP receiver (built from Go
// modules, on loopback): an agent call carrying a W3C traceparent joins the agent's trace — the
// span has the agent's trace id, the agent's span as its parent, and the span id the sidecar sent
// the provider as the parent in its own traceparent —, with GenAI attributes (operation, provider,
// models, tokens, finish reasons) and the governor's (agent, policy version, budget decision, cache,
// route, target, attempts); a cache hit in the same trace says so; a call without a traceparent
// gets the sidecar's own trace id as its trace. `agent-governor trace` (the built CLI) prints the
// chain of those calls from the capture directory, as text and JSON.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { type OtelCollector, type ReceivedSpan, startOtelCollector } from '../../testing/otel-collector.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { openAIRoute, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const AGENT_SPAN_1 = '00f067aa0ba902b7';
const AGENT_SPAN_2 = '00f067aa0ba902b8';
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

// The batch span processor's standard variable: export within 200 ms rather than 5 s.
process.env['OTEL_BSP_SCHEDULE_DELAY'] = '200';

describe('traces from a real sidecar to the OpenTelemetry Collector', () => {
  let mock: MockLlm;
  let collector: OtelCollector;
  let fx: SidecarFixture;
  let keys: string;
  let keyFile: string;

  before(async () => {
    collector = await startOtelCollector();
    mock = await startMockLlm({ reply: 'The order ships tomorrow.' });
    keys = mkdtempSync(join(tmpdir(), 'traces-key-'));
    keyFile = join(keys, 'capture.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`);
    fx = await startSidecarFixture(
      {
        agent: { name: 'support', namespace: 'agents' },
        routes: [
          openAIRoute('gpt-4o', mock.baseUrl, { cache: { enabled: true, ttl: '5m' } }),
          openAIRoute('long-talk', mock.baseUrl, {
            compression: {
              steps: ['Summarize'],
              keepTurns: 2,
              summarize: { model: 'gpt-4o-mini', maxHistoryTokens: 500, maxSummaryTokens: 200 },
            },
          }),
        ],
      },
      { capture: { keyFile }, otlpEndpoint: collector.url },
    );
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
    await collector?.close();
    if (keys) rmSync(keys, { recursive: true, force: true });
  });

  async function chat(headers: Record<string, string>, question = 'Where is order 42?'): Promise<Response> {
    return fetch(`${fx.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer agent-key', ...headers },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] }),
    });
  }

  async function spansOf(traceId: string, count: number): Promise<ReceivedSpan[]> {
    let spans: ReceivedSpan[] = [];
    for (let i = 0; i < 150; i++) {
      fx.sidecar.flushFinishedCalls();
      spans = collector.spans().filter((s) => s.traceId === traceId);
      if (spans.length >= count) return spans;
      await sleep(100);
    }
    assert.fail(`${spans.length} of ${count} spans of trace ${traceId} reached the collector`);
  }

  it('joins the agent trace: trace id, parent, the span id sent upstream, GenAI and governor attributes', async () => {
    const answer = await chat({ traceparent: `00-${TRACE}-${AGENT_SPAN_1}-01` });
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { choices: { finish_reason: string }[] };
    const upstream = mock.served.at(-1)?.headers['traceparent'];
    const sent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(upstream));
    assert.ok(sent, `the provider got traceparent ${upstream}`);
    assert.equal(sent[1], TRACE, 'the provider call stays in the agent trace');
    assert.notEqual(sent[2], AGENT_SPAN_1, "the sidecar's span is the provider call's parent");

    const [span] = await spansOf(TRACE, 1);
    assert.ok(span);
    assert.equal(span.spanId, sent[2]);
    assert.equal(span.parentSpanId, AGENT_SPAN_1);
    assert.equal(span.name, 'chat gpt-4o');
    assert.equal(span.kind, SPAN_KIND_CLIENT);
    const a = span.attributes;
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.request.model'], 'gpt-4o');
    assert.equal(a['gen_ai.response.model'], 'gpt-4o');
    assert.equal(a['gen_ai.usage.input_tokens'], mock.served.at(-1)?.inputTokens);
    assert.equal(a['gen_ai.usage.output_tokens'], mock.served.at(-1)?.outputTokens);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], [body.choices[0]?.finish_reason]);
    assert.equal(a['governor.agent'], 'agents/support');
    assert.equal(a['governor.policy_version'], fx.sidecar.policy().version);
    assert.equal(a['governor.budget.decision'], 'admitted');
    assert.equal(a['governor.cache.hit'], false);
    assert.equal(a['governor.route'], 'gpt-4o');
    assert.equal(a['governor.target'], 'primary');
    assert.equal(a['governor.fallback.attempts'], 1);
    assert.equal(span.resource['service.name'], 'agent-governor-sidecar');
    assert.equal(span.resource['governor.agent'], 'agents/support');
    const ms = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
    assert.ok(ms > 0 && ms < 5_000, `the span lasted ${ms} ms`);
  });

  it('shows a cache hit of the same trace as its own span, and a refusal as an error', async () => {
    const hit = await chat({ traceparent: `00-${TRACE}-${AGENT_SPAN_2}-01` });
    assert.equal(hit.status, 200);
    const served = mock.served.length;
    const refused = await fetch(`${fx.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${TRACE}-${AGENT_SPAN_2}-01` },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(refused.status, 404);
    assert.equal(mock.served.length, served, 'neither call reached the provider');
    const spans = await spansOf(TRACE, 3);
    const cached = spans.find((s) => s.attributes['governor.cache.hit'] === true);
    assert.ok(cached, 'a span says cache hit');
    assert.equal(cached.parentSpanId, AGENT_SPAN_2);
    assert.equal(cached.attributes['governor.fallback.attempts'], 0);
    const failed = spans.find((s) => s.name === 'chat no-such-model');
    assert.ok(failed);
    assert.equal(failed.status?.code, STATUS_ERROR);
    assert.equal(failed.attributes['governor.budget.decision'], 'not-reached');
    assert.equal(failed.attributes['http.response.status_code'], 404);
  });

  it("gives a call without traceparent the sidecar's own trace id", async () => {
    const served = mock.served.length;
    const answer = await chat({}, 'Where is order 43?');
    assert.equal(answer.status, 200);
    assert.equal(mock.served.length, served + 1);
    const traceId = answer.headers.get('x-governor-trace-id');
    assert.match(String(traceId), /^[0-9a-f]{32}$/);
    const [span] = await spansOf(String(traceId), 1);
    assert.equal(span?.parentSpanId ?? '', '');
    assert.equal(mock.served.at(-1)?.headers['traceparent'], `00-${traceId}-${span?.spanId}-01`);
  });

  it("makes the summariser's call a child of the call that started it", async () => {
    const trace = '5bf92f3577b34da6a3ce929d0e0e4737';
    const turns = Array.from({ length: 6 }, (_, t) => [
      { role: 'user', content: `Where is batch ${t}? ${'order shipped on time '.repeat(40)}` },
      { role: 'assistant', content: `Batch ${t} has shipped.` },
    ]).flat();
    const answer = await fetch(`${fx.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${trace}-${AGENT_SPAN_1}-01` },
      body: JSON.stringify({
        model: 'long-talk',
        messages: [
          { role: 'system', content: 'Be brief.' },
          ...turns,
          { role: 'user', content: 'And batch 6?' },
        ],
      }),
    });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers.get('x-governor-summary')), /writing/);
    const spans = await spansOf(trace, 2);
    const call = spans.find((s) => s.parentSpanId === AGENT_SPAN_1);
    const summariser = spans.find((s) => s.attributes['governor.summariser'] === true);
    assert.ok(call && summariser, spans.map((s) => s.name).join(', '));
    assert.equal(summariser.parentSpanId, call.spanId);
    assert.equal(summariser.attributes['gen_ai.request.model'], 'gpt-4o-mini');
  });

  it('prints the chain of calls of the trace from the capture store', async () => {
    await fx.sidecar.flushFinishedCalls();
    const captureDir = join(fx.dir, 'spool', 'capture');
    const args = ['trace', TRACE, '--dir', captureDir, '--key-file', keyFile];
    let text = '';
    for (let i = 0; i < 50; i++) {
      try {
        text = (await run(process.execPath, [BIN, ...args])).stdout;
        if (/: 3 calls/.test(text)) break;
      } catch {}
      await sleep(100);
    }
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^trace ${TRACE}: 3 calls from `), text);
    assert.match(
      lines[2] ?? '',
      /^1\s+\+0 ms\s+agents\/support\s+gpt-4o\s+\d+ ms\s+\d+\/\d+\s+admitted\s+miss\s+1\s+200 Success/,
    );
    assert.ok(
      lines.some((l) => /\s+admitted\s+hit\s+0\s+200 CacheHit/.test(l)),
      text,
    );
    assert.ok(
      lines.some((l) => /no-such-model\s+.*not-reached\s+bypass\s+0\s+404 ClientError/.test(l)),
      text,
    );

    const json = JSON.parse((await run(process.execPath, [BIN, ...args, '-o', 'json'])).stdout);
    assert.equal(json.calls, 3);
    const first = json.steps[0];
    assert.equal(first.parentSpanId, AGENT_SPAN_1);
    const span = collector.spans().find((s) => s.parentSpanId === AGENT_SPAN_1);
    assert.equal(first.spanId, span?.spanId, 'the capture record and the span name the same span');

    await assert.rejects(
      run(process.execPath, [
        BIN,
        'trace',
        'ffffffffffffffffffffffffffffffff',
        '--dir',
        captureDir,
        '--key-file',
        keyFile,
      ]),
      /no captured call/,
    );
  });
});
