import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createStreamTap } from './stream-tap.js';
import {
  CHAT_CLIENT_ASKED,
  CHAT_INJECTED,
  MESSAGES,
  RESPONSES,
  type RecordedStream,
  withLineEndings,
} from './testdata/recorded-streams.js';

/**
 * The official SDKs read what the tap forwards, as an agent would: the bytes of each recorded stream
 * go through the tap in uneven chunks, and the SDK parses the result (its `fetch` answers with those
 * bytes; nothing touches the network). The usage the tap reports must match what the SDK shows.
 */
function throughTap(stream: RecordedStream) {
  const input = Buffer.from(stream.events.map((e) => e.in).join(''));
  const tap = createStreamTap(stream.api, {
    stripUsageChunk: stream.stripUsageChunk,
    model: stream.model,
    estimatedInputTokens: 0,
  });
  const out: Buffer[] = [];
  for (let at = 0; at < input.length; at += 37) out.push(tap.push(input.subarray(at, at + 37)));
  out.push(tap.end());
  return { body: Buffer.concat(out), usage: tap.usage(), completed: tap.completed };
}

const answering = (body: Buffer) => async () =>
  new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': 'text/event-stream' } });

const openai = (body: Buffer) =>
  new OpenAI({ apiKey: 'test-key', baseURL: 'http://127.0.0.1:9/v1', fetch: answering(body), maxRetries: 0 });

describe('the official SDKs read the tapped streams', () => {
  for (const stream of [CHAT_INJECTED, withLineEndings(CHAT_INJECTED, '\r\n')]) {
    it(`openai: ${stream.name}: the agent sees no usage it did not ask for`, async () => {
      const tapped = throughTap(stream);
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      const answer = await openai(tapped.body).chat.completions.create({
        model: 'gpt-4o',
        messages: [],
        stream: true,
      });
      for await (const chunk of answer) chunks.push(chunk);
      assert.equal(chunks.length, 6);
      assert.ok(
        chunks.every((c) => !('usage' in c)),
        'no chunk carries a usage member',
      );
      assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), stream.text);
      assert.deepEqual(tapped.usage, stream.usage);
    });
  }

  it('openai: a client that asked for usage gets the usage chunk, equal to what the tap counted', async () => {
    const tapped = throughTap(CHAT_CLIENT_ASKED);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const answer = await openai(tapped.body).chat.completions.create({
      model: 'gpt-4o',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of answer) chunks.push(chunk);
    const usage = chunks.at(-1)?.usage;
    assert.ok(usage);
    assert.deepEqual(tapped.usage, {
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      estimated: false,
    });
  });

  it('openai Responses: the final response the SDK assembles carries the usage the tap counted', async () => {
    const tapped = throughTap(RESPONSES);
    const response = await openai(tapped.body)
      .responses.stream({ model: 'gpt-4.1', input: 'Hi' })
      .finalResponse();
    assert.ok(response.usage);
    assert.deepEqual(tapped.usage, {
      inputTokens: response.usage.input_tokens,
      outputTokens: response.usage.output_tokens,
      cachedInputTokens: response.usage.input_tokens_details.cached_tokens,
      estimated: false,
    });
  });

  it('anthropic: the SDK keeps the latest cumulative output count, as the tap does', async () => {
    const tapped = throughTap(MESSAGES);
    const client = new Anthropic({
      apiKey: 'test-key',
      baseURL: 'http://127.0.0.1:9',
      fetch: answering(tapped.body),
      maxRetries: 0,
    });
    const message = await client.messages
      .stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
    const u = message.usage;
    assert.deepEqual(tapped.usage, {
      inputTokens: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      outputTokens: u.output_tokens,
      cachedInputTokens: u.cache_read_input_tokens ?? 0,
      cacheWriteInputTokens: u.cache_creation_input_tokens ?? 0,
      estimated: false,
    });
    assert.equal(u.output_tokens, 15);
  });
});
