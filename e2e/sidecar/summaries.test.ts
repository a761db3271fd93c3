// A route's Summarize step through the real sidecar, driven by the official OpenAI and Anthropic SDKs
// (JSON and streamed) against the loopback mock LLM, which refuses tool calls and results that do not
// pair up, as the providers do, and answers a summariser's call with a short deterministic summary.
// The first call of a long conversation goes on without a summary and starts one in the background;
// the next call of the same conversation is sent with the summary in place of its old turns, cut where
// a user turn begins; the summariser's call is a call of its own, counted in the log, the metrics and
// the budget, and each prefix is summarised once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type MockLlm, type ServedCall, startMockLlm } from '../../testing/mock-llm.js';
import { mockSummaryOf } from '../../testing/mock-llm-summary.js';
import {
  type LoggedRequest,
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

const SUMMARY_TOKENS = 'governor_sidecar_compression_summary_tokens_total';
const SAVED = 'governor_sidecar_compression_tokens_saved_total';
const SYSTEM = 'You are a support agent. Be brief.';
const compression = (model: string) => ({
  steps: ['Summarize', 'CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
  keepTurns: 2,
  summarize: { model, maxHistoryTokens: 2000, maxSummaryTokens: 200 },
});
const rows = (t: number) =>
  Array.from({ length: 30 }, (_, i) => `order ${t}-${i}: shipped, eta ${i % 5} days`).join('\n');

/** An OpenAI conversation of `turns` user turns: a question, a tool call, its result and an answer each, then a question. */
function openAIConversation(turns: number): OpenAI.ChatCompletionMessageParam[] {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM }];
  for (let t = 0; t < turns; t++) {
    messages.push(
      { role: 'user', content: `Where are the orders of batch ${t}?` },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `call_${t}`, type: 'function', function: { name: 'orders', arguments: `{"batch":${t}}` } },
        ],
      },
      { role: 'tool', tool_call_id: `call_${t}`, content: rows(t) },
      { role: 'assistant', content: `Batch ${t} has shipped.` },
    );
  }
  messages.push({ role: 'user', content: `And batch ${turns}?` });
  return messages;
}

/** The same for Anthropic: tool_use and tool_result blocks, the system prompt in its own field. */
function anthropicConversation(turns: number): Anthropic.MessageParam[] {
  const messages: Anthropic.MessageParam[] = [];
  for (let t = 0; t < turns; t++) {
    messages.push(
      { role: 'user', content: `Where are the orders of batch ${t}?` },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: `toolu_${t}`, name: 'orders', input: { batch: t } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${t}`, content: rows(t) }] },
      { role: 'assistant', content: `Batch ${t} has shipped.` },
    );
  }
  messages.push({ role: 'user', content: `And batch ${turns}?` });
  return messages;
}

const isSummariser = (c: ServedCall) => mockSummaryOf(c.api, c.body) !== undefined;

async function summariserCalls(mock: MockLlm, count: number): Promise<ServedCall[]> {
  for (let i = 0; i < 300 && mock.served.filter(isSummariser).length < count; i++) await sleep(10);
  return mock.served.filter(isSummariser);
}

/** The summariser's answers are recorded once they are settled: wait for its log line. */
async function summariserRecords(fx: SidecarFixture, count: number): Promise<LoggedRequest[]> {
  const of = () => fx.requests().filter((r) => r.decisions.includes('compression-summary'));
  for (let i = 0; i < 300 && of().length < count; i++) await sleep(10);
  return of();
}

describe('summaries of old turns declared on a route', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    mock = await startMockLlm();
    fx = await startSidecarFixture({
      agent: { name: 'support', namespace: 'agents' },
      budgets: [{ name: 'team', limits: { tokens: 100_000_000 } }],
      routes: [
        openAIRoute('gpt-4o', mock.baseUrl, { compression: compression('gpt-4o-mini') }),
        {
          model: 'claude-sonnet-4',
          targets: [
            { name: 'anthropic', provider: 'Anthropic', endpoint: mock.url, apiKey: 'sk-ant-sidecar' },
          ],
          compression: compression('claude-3-5-haiku-latest'),
        },
      ],
    });
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent-key', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: fx.url, apiKey: 'agent-key', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
  });

  it('OpenAI: the first long call starts a summary, the second is sent with it; tool pairs intact; the summariser counted', async () => {
    mock.reset();
    const metricsBefore = await fx.metrics();
    const first = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: openAIConversation(8) })
      .withResponse();
    assert.equal(first.data.choices[0]?.message.content, mock.reply);
    assert.equal(first.response.headers.get('x-governor-summary'), 'writing');
    const firstSent = mock.served.find((c) => !isSummariser(c))?.body['messages'] as Record<
      string,
      unknown
    >[];
    assert.equal(
      firstSent.length,
      openAIConversation(8).length,
      'the first call is not held for the summary',
    );

    const [summariser] = await summariserCalls(mock, 1);
    assert.ok(summariser);
    assert.equal(summariser.model, 'gpt-4o-mini', 'the cheaper model writes the summary');
    assert.equal(summariser.path, '/v1/chat/completions', "through the route's target");
    assert.equal(summariser.headers['authorization'], 'Bearer sk-sidecar-primary', "with the target's key");
    const transcript = String((summariser.body['messages'] as { content: string }[])[1]?.content);
    assert.match(transcript, /\[calls orders\(\{"batch":0\}\)\]/);
    assert.match(transcript, /order 5-29: shipped/, 'the old tool results are summarised');
    assert.doesNotMatch(transcript, /batch 7\?/, 'the kept turns are not');
    const summary = mockSummaryOf(summariser.api, summariser.body) as string;
    const [record] = await summariserRecords(fx, 1);
    assert.ok(record);
    assert.equal(record.model, 'gpt-4o-mini');
    assert.equal(record.route, 'gpt-4o');
    assert.equal(record.tokens.input, summariser.inputTokens, "the summariser's tokens are counted");
    assert.equal(record.tokens.output, summariser.outputTokens);
    assert.ok(record.costMicros > 0, 'and priced');

    // The agent goes on: the same conversation, one turn longer.
    const conversation = openAIConversation(9);
    const second = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: conversation })
      .withResponse();
    assert.equal(
      second.data.choices[0]?.message.content,
      mock.reply,
      'the provider accepted the conversation',
    );
    const sent = mock.served.at(-1)?.body['messages'] as Record<string, unknown>[];
    assert.deepEqual(sent[0], { role: 'system', content: SYSTEM }, 'the system prompt stays first, verbatim');
    assert.equal(sent[1]?.['role'], 'user');
    assert.equal(
      sent[1]?.['content'],
      `[Summary by agent-governor of the 28 earlier messages of this conversation]\n${summary}`,
    );
    assert.deepEqual(
      sent[2],
      { role: 'user', content: 'Where are the orders of batch 7?' },
      'cut where a user turn begins',
    );
    assert.equal(sent.length, 2 + conversation.length - 29, 'every message after the cut is sent');
    assert.deepEqual(sent.slice(-5), conversation.slice(-5), 'the kept turns are sent verbatim');
    const header = second.response.headers.get('x-governor-summary') ?? '';
    assert.match(header, /^used; messages=28; tokens=\d+$/);
    const before = Number(second.response.headers.get('x-governor-input-tokens-before'));
    const afterTokens = Number(second.response.headers.get('x-governor-input-tokens-after'));
    assert.ok(afterTokens < before / 3, `${before} → ${afterTokens}`);
    assert.equal((await summariserCalls(mock, 1)).length, 1, 'no second summary for the same prefix');

    const metrics = await fx.metrics();
    const delta = (name: string, labels: Record<string, string>) =>
      metricValue(metrics, name, labels) - metricValue(metricsBefore, name, labels);
    const labels = { route: 'gpt-4o', model: 'gpt-4o-mini' };
    assert.equal(delta(SUMMARY_TOKENS, { ...labels, kind: 'input' }), summariser.inputTokens);
    assert.equal(delta(SUMMARY_TOKENS, { ...labels, kind: 'output' }), summariser.outputTokens);
    const sentTokens = Number(/tokens=(\d+)/.exec(header)?.[1]);
    assert.equal(delta(SUMMARY_TOKENS, { ...labels, kind: 'sent' }), sentTokens);
    assert.ok(delta(SAVED, { route: 'gpt-4o', step: 'Summarize' }) > 0);

    // The budget counts every token the provider reported, the summariser's included.
    const served = mock.served.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0);
    const team = fx.sidecar.gate.snapshot().find((b) => b.name === 'team');
    assert.equal(team?.usedTokens, served);
  });

  it('OpenAI streaming: a later call of the conversation streams with the same summary and says so', async () => {
    const before = mock.served.filter(isSummariser).length;
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: openAIConversation(10), stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, mock.reply);
    assert.match(response.headers.get('x-governor-summary') ?? '', /^used; messages=28; tokens=\d+$/);
    const served = mock.served.filter((c) => !isSummariser(c)).at(-1);
    assert.equal(served?.stream, true);
    const sent = served?.body['messages'] as Record<string, unknown>[];
    assert.match(String(sent[1]?.['content']), /^\[Summary by agent-governor of the 28 earlier messages/);
    assert.equal(mock.served.filter(isSummariser).length, before, 'the summary is reused, not written again');
  });

  it('Anthropic: tool_use and tool_result stay together, the summary comes from the route target, streaming too', async () => {
    mock.reset();
    const first = await anthropic.messages
      .create({
        model: 'claude-sonnet-4',
        max_tokens: 100,
        system: SYSTEM,
        messages: anthropicConversation(8),
      })
      .withResponse();
    assert.equal(first.response.headers.get('x-governor-summary'), 'writing');
    const [summariser] = await summariserCalls(mock, 1);
    assert.ok(summariser);
    assert.equal(summariser.api, 'messages');
    assert.equal(summariser.model, 'claude-3-5-haiku-latest');
    assert.equal(summariser.headers['x-api-key'], 'sk-ant-sidecar');
    assert.match(String(summariser.body['system']), /Summarise the earlier part/);
    const summary = mockSummaryOf(summariser.api, summariser.body) as string;
    await summariserRecords(fx, 2);

    const conversation = anthropicConversation(9);
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 100,
      system: SYSTEM,
      messages: conversation,
    });
    const message = await stream.finalMessage();
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', mock.reply);
    const served = mock.served.at(-1) as ServedCall;
    assert.equal(served.stream, true);
    assert.equal(served.body['system'], SYSTEM, 'the system prompt is untouched');
    const sent = served.body['messages'] as { role: string; content: unknown }[];
    assert.deepEqual(sent[0], {
      role: 'user',
      content: [
        {
          type: 'text',
          text: `[Summary by agent-governor of the 28 earlier messages of this conversation]\n${summary}`,
        },
      ],
    });
    assert.equal(sent.length, 1 + conversation.length - 28);
    assert.deepEqual(
      sent[1],
      conversation[28],
      'cut before a question, never between tool_use and tool_result',
    );
    assert.deepEqual(sent.slice(-5), conversation.slice(-5), 'the kept turns are sent verbatim');
  });

  it('calls that see the same long prefix at once start one summary between them', async () => {
    mock.reset();
    const conversation = openAIConversation(12).map((m) =>
      m.role === 'assistant' && typeof m.content === 'string' ? { ...m, content: `${m.content} (again)` } : m,
    );
    // Every answer takes a while, so the three calls are all in before the summary is back.
    mock.always = { kind: 'delay', ms: 300 };
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        openai.chat.completions.create({ model: 'gpt-4o', messages: conversation }).withResponse(),
      ),
    );
    for (const { response } of answers) assert.equal(response.headers.get('x-governor-summary'), 'writing');
    await summariserCalls(mock, 1);
    await summariserRecords(fx, 3);
    mock.always = undefined;
    assert.equal(mock.served.filter(isSummariser).length, 1);
  });
});
