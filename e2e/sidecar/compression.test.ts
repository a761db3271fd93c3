// A route's lossless prompt compression through the real sidecar, driven by the official OpenAI and
// Anthropic SDKs against the loopback mock LLM (which refuses tool calls and results that do not pair
// up, as the providers do): the upstream receives the compressed conversation with every other field
// untouched, tool calls keep their results, the system prompt and the latest turn arrive verbatim,
// every answer (JSON and streamed) says the input estimate before and after, the saved tokens are
// counted per step, and the usage recorded is that of what was sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { inputTokensOf, type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

const COMPRESSION = {
  steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
  keepTurns: 1,
  keepLines: 2,
};
const SAVED = 'governor_sidecar_compression_tokens_saved_total';
const rows = Array.from({ length: 40 }, (_, i) => `order ${i}:    shipped,    eta ${i % 5} days`).join('\n');
const abridged =
  'order 0: shipped, eta 0 days\norder 1: shipped, eta 1 days\n[… 36 lines abridged by agent-governor …]\norder 38: shipped, eta 3 days\norder 39: shipped, eta 4 days';
const SYSTEM = 'You are   a support agent.\n\n\n\nBe brief.';
const LATEST = 'And   the   next batch?';

const lookup = (id: string): OpenAI.ChatCompletionMessageToolCall => ({
  id,
  type: 'function',
  function: { name: 'orders', arguments: '{"batch":  "b1"}' },
});

/** An OpenAI conversation: two identical tool outputs in the old turn, a question in the latest. */
function openAIConversation(): OpenAI.ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Where   are my orders?\n\n\n\nThanks.' },
    { role: 'assistant', content: null, tool_calls: [lookup('call_1')] },
    { role: 'tool', tool_call_id: 'call_1', content: rows },
    { role: 'assistant', content: null, tool_calls: [lookup('call_2')] },
    { role: 'tool', tool_call_id: 'call_2', content: rows },
    { role: 'assistant', content: 'All   shipped.' },
    { role: 'user', content: LATEST },
  ];
}

/** The same for Anthropic: tool_use / tool_result blocks, the system prompt in its own field. */
function anthropicConversation(): Anthropic.MessageParam[] {
  const use = (id: string): Anthropic.MessageParam => ({
    role: 'assistant',
    content: [{ type: 'tool_use', id, name: 'orders', input: { batch: 'b1' } }],
  });
  return [
    { role: 'user', content: 'Where   are my orders?' },
    use('toolu_1'),
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: rows }] },
    use('toolu_2'),
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: rows }] }],
    },
    { role: 'assistant', content: 'All   shipped.' },
    { role: 'user', content: LATEST },
  ];
}

describe('prompt compression declared on a route', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    mock = await startMockLlm();
    fx = await startSidecarFixture({
      agent: { name: 'support', namespace: 'agents' },
      routes: [
        openAIRoute('gpt-4o', mock.baseUrl, { compression: COMPRESSION }),
        openAIRoute('gpt-4o-mini', mock.baseUrl),
        {
          model: 'claude-sonnet-4',
          targets: [
            { name: 'anthropic', provider: 'Anthropic', endpoint: mock.url, apiKey: 'sk-ant-sidecar' },
          ],
          compression: COMPRESSION,
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

  function assertOpenAICompressed(sent: Record<string, unknown>): void {
    const messages = sent['messages'] as Record<string, unknown>[];
    assert.equal(messages.length, 8, 'no message is dropped');
    assert.deepEqual(messages[0], { role: 'system', content: SYSTEM }, 'the system prompt is verbatim');
    assert.deepEqual(messages[1], { role: 'user', content: 'Where are my orders?\n\nThanks.' });
    assert.deepEqual(messages[2], { role: 'assistant', content: null, tool_calls: [lookup('call_1')] });
    assert.deepEqual(messages[3], { role: 'tool', tool_call_id: 'call_1', content: abridged });
    assert.deepEqual(messages[5], {
      role: 'tool',
      tool_call_id: 'call_2',
      content: '[same as message 3 above]',
    });
    assert.deepEqual(messages[6], { role: 'assistant', content: 'All shipped.' });
    assert.deepEqual(messages[7], { role: 'user', content: LATEST }, 'the latest turn is verbatim');
    assert.equal(sent['temperature'], 0.25, "the agent's other fields pass untouched");
    assert.equal(sent['user'], 'agent-user-7');
  }

  it('OpenAI: the upstream gets the compressed conversation, tool calls still paired; the answer says before and after', async () => {
    const metricsBefore = await fx.metrics();
    const before = fx.requests().length;
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: openAIConversation(), temperature: 0.25, user: 'agent-user-7' })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, mock.reply, 'the mock accepted the conversation');
    const served = mock.served.at(-1)!;
    assertOpenAICompressed(served.body);

    const tokensBefore = Number(response.headers.get('x-governor-input-tokens-before'));
    const tokensAfter = Number(response.headers.get('x-governor-input-tokens-after'));
    assert.ok(tokensAfter > 0 && tokensAfter < tokensBefore / 2, `${tokensBefore} → ${tokensAfter}`);
    const original = inputTokensOf('chat.completions', { messages: openAIConversation() });
    assert.ok(served.inputTokens < original / 2, `the provider counted ${served.inputTokens} of ${original}`);

    const [record] = (await fx.waitForRequests(before + 1)).slice(before);
    assert.equal(record?.tokens.input, served.inputTokens, 'usage is that of what was sent');
    const logged = record as unknown as {
      compression: { inputTokensBefore: number; inputTokensAfter: number };
      timings: { steps: Record<string, number> };
    };
    assert.equal(logged.compression.inputTokensBefore, tokensBefore);
    assert.equal(logged.compression.inputTokensAfter, tokensAfter);
    const took = logged.timings.steps['compression'];
    assert.ok(typeof took === 'number' && took >= 0 && took < 1000, `the steps' time is logged: ${took} ms`);

    const metrics = await fx.metrics();
    let savedInCounters = 0;
    for (const step of COMPRESSION.steps) {
      const saved =
        metricValue(metrics, SAVED, { route: 'gpt-4o', step }) -
        metricValue(metricsBefore, SAVED, { route: 'gpt-4o', step });
      assert.ok(saved > 0, `${step} saved tokens`);
      savedInCounters += saved;
    }
    assert.equal(savedInCounters, tokensBefore - tokensAfter, 'the steps saved what the headers say');
  });

  it('OpenAI streaming: the same compressed body upstream, the headers on the stream', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'gpt-4o',
        messages: openAIConversation(),
        temperature: 0.25,
        user: 'agent-user-7',
        stream: true,
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, mock.reply);
    const served = mock.served.at(-1)!;
    assert.equal(served.stream, true);
    assertOpenAICompressed(served.body);
    assert.ok(
      Number(response.headers.get('x-governor-input-tokens-after')) <
        Number(response.headers.get('x-governor-input-tokens-before')),
    );
  });

  it('compressing is deterministic: the same conversation reaches the upstream as the same bytes', async () => {
    await openai.chat.completions.create({ model: 'gpt-4o', messages: openAIConversation() });
    const first = JSON.stringify(mock.served.at(-1)!.body['messages']);
    await openai.chat.completions.create({ model: 'gpt-4o', messages: openAIConversation() });
    assert.equal(JSON.stringify(mock.served.at(-1)!.body['messages']), first);
  });

  it('Anthropic, plain and streaming: tool_result blocks abridged and deduplicated, tool_use ids kept, system untouched', async () => {
    for (const stream of [false, true]) {
      const request = {
        model: 'claude-sonnet-4',
        max_tokens: 256,
        system: SYSTEM,
        messages: anthropicConversation(),
      };
      let headers: Headers;
      if (stream) {
        const { data, response } = await anthropic.messages
          .create({ ...request, stream: true })
          .withResponse();
        let text = '';
        for await (const event of data)
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
            text += event.delta.text;
        assert.equal(text, mock.reply);
        headers = response.headers;
      } else {
        const { data, response } = await anthropic.messages.create(request).withResponse();
        assert.deepEqual(
          data.content,
          [{ type: 'text', text: mock.reply }],
          'the mock accepted the conversation',
        );
        headers = response.headers;
      }
      const served = mock.served.at(-1)!;
      assert.equal(served.api, 'messages');
      assert.equal(served.body['system'], SYSTEM, 'the system prompt is verbatim');
      assert.equal(served.body['max_tokens'], 256);
      const messages = served.body['messages'] as Record<string, unknown>[];
      assert.deepEqual(messages[0], { role: 'user', content: 'Where are my orders?' });
      assert.deepEqual(messages[2], {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: abridged }],
      });
      assert.deepEqual(messages[4], {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [{ type: 'text', text: '[same as message 2 above]' }],
          },
        ],
      });
      assert.deepEqual(messages[3], anthropicConversation()[3], 'tool_use blocks untouched');
      assert.deepEqual(messages[6], { role: 'user', content: LATEST });
      const tokensBefore = Number(headers.get('x-governor-input-tokens-before'));
      const tokensAfter = Number(headers.get('x-governor-input-tokens-after'));
      assert.ok(tokensAfter > 0 && tokensAfter < tokensBefore, `${tokensBefore} → ${tokensAfter}`);
    }
    const metrics = await fx.metrics();
    assert.ok(metricValue(metrics, SAVED, { route: 'claude-sonnet-4', step: 'AbridgeStaleToolOutputs' }) > 0);
  });

  it('a route without compression sends the agent its own messages and equal before and after', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: openAIConversation() })
      .withResponse();
    assert.deepEqual(mock.served.at(-1)!.body['messages'], openAIConversation());
    const tokensBefore = response.headers.get('x-governor-input-tokens-before');
    assert.ok(Number(tokensBefore) > 0);
    assert.equal(response.headers.get('x-governor-input-tokens-after'), tokensBefore);
    assert.equal(metricValue(await fx.metrics(), SAVED, { route: 'gpt-4o-mini' }), 0);
  });

  it('the mock refuses a conversation whose tool calls lost their results, as a provider would', async () => {
    const broken = openAIConversation().filter((m) => m.role !== 'tool');
    await assert.rejects(
      openai.chat.completions.create({ model: 'gpt-4o-mini', messages: broken }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && /tool_call_id|tool_calls/.test(err.message),
    );
  });
});
