// The answers of the mock LLM, per API: JSON bodies, SSE event sequences and error bodies in each
// provider's shape, with the usage fields each API reports.

import { randomBytes } from 'node:crypto';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { MockApi } from './mock-llm.js';
import { hashedBagOfWords } from './mock-llm-embeddings.js';

export type Tokens = { input: number; output: number; cached: number };

/** Input tokens of a request as the mock bills them: the o200k tokens of its text, at least 1. */
export function inputTokensOf(api: MockApi, body: Record<string, unknown>): number {
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      collect(v['content'] ?? v['text']);
    }
  };
  if (api === 'chat.completions' || api === 'messages') collect(body['messages']);
  if (api === 'messages') collect(body['system']);
  if (api === 'responses') collect([body['instructions'], body['input']]);
  if (api === 'completions') collect(body['prompt']);
  if (api === 'embeddings') collect(body['input']);
  return Math.max(1, countTokens(texts.join('\n')) + 3);
}

export function errorText(api: MockApi, status: number): string {
  if (api === 'messages') {
    const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return JSON.stringify({ type: 'error', error: { type, message: `mock: HTTP ${status}` } });
  }
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return JSON.stringify({ error: { message: `mock: HTTP ${status}`, type, param: null, code: null } });
}

function openAIUsage(t: Tokens) {
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.input + t.output,
    prompt_tokens_details: { cached_tokens: t.cached },
  };
}

function responsesUsage(t: Tokens) {
  return {
    input_tokens: t.input,
    input_tokens_details: { cached_tokens: t.cached },
    output_tokens: t.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: t.input + t.output,
  };
}

function anthropicUsage(t: Tokens, output: number) {
  return {
    input_tokens: t.input - t.cached,
    cache_read_input_tokens: t.cached,
    cache_creation_input_tokens: 0,
    output_tokens: output,
  };
}

export function embeddingAnswer(body: Record<string, unknown>, model: string, tokens: Tokens | undefined) {
  const inputs = Array.isArray(body['input']) ? body['input'] : [body['input']];
  const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : undefined;
  return {
    object: 'list',
    model,
    data: inputs.map((input, index) => {
      const vector = hashedBagOfWords(String(input), dimensions);
      const base64 = Buffer.from(new Float32Array(vector).buffer).toString('base64');
      return {
        object: 'embedding',
        index,
        embedding: body['encoding_format'] === 'base64' ? base64 : vector,
      };
    }),
    ...(tokens ? { usage: { prompt_tokens: tokens.input, total_tokens: tokens.input } } : {}),
  };
}

export function jsonAnswer(api: MockApi, model: string, reply: string, tokens: Tokens | undefined) {
  const id = randomBytes(8).toString('hex');
  const created = Math.floor(Date.now() / 1000);
  switch (api) {
    case 'chat.completions':
      return {
        id: `chatcmpl-${id}`,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        ...(tokens ? { usage: openAIUsage(tokens) } : {}),
      };
    case 'completions':
      return {
        id: `cmpl-${id}`,
        object: 'text_completion',
        created,
        model,
        choices: [{ index: 0, text: reply, logprobs: null, finish_reason: 'stop' }],
        ...(tokens ? { usage: openAIUsage(tokens) } : {}),
      };
    case 'responses':
      return {
        id: `resp_${id}`,
        object: 'response',
        created_at: created,
        status: 'completed',
        model,
        output: [
          {
            type: 'message',
            id: `msg_${id}`,
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: reply, annotations: [] }],
          },
        ],
        ...(tokens ? { usage: responsesUsage(tokens) } : {}),
      };
    default:
      return {
        id: `msg_${id}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: reply }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        ...(tokens ? { usage: anthropicUsage(tokens, tokens.output) } : {}),
      };
  }
}

export interface StreamEvent {
  text: string;
  /** Index of the reply piece this event carries, for content events. */
  content?: number;
}

export function streamEvents(
  api: MockApi,
  model: string,
  pieces: string[],
  tokens: Tokens | undefined,
): StreamEvent[] {
  const id = randomBytes(8).toString('hex');
  const created = Math.floor(Date.now() / 1000);
  const data = (value: unknown, event?: string) =>
    `${event ? `event: ${event}\n` : ''}data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
  const events: StreamEvent[] = [];
  switch (api) {
    case 'chat.completions': {
      const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created, model };
      events.push({
        text: data({
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
        }),
      });
      pieces.forEach((p, i) => {
        events.push({
          text: data({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] }),
          content: i,
        });
      });
      events.push({ text: data({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) });
      if (tokens) events.push({ text: data({ ...base, choices: [], usage: openAIUsage(tokens) }) });
      events.push({ text: data('[DONE]') });
      return events;
    }
    case 'completions': {
      const base = { id: `cmpl-${id}`, object: 'text_completion', created, model };
      pieces.forEach((p, i) => {
        events.push({
          text: data({ ...base, choices: [{ index: 0, text: p, logprobs: null, finish_reason: null }] }),
          content: i,
        });
      });
      events.push({
        text: data({ ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'stop' }] }),
      });
      if (tokens) events.push({ text: data({ ...base, choices: [], usage: openAIUsage(tokens) }) });
      events.push({ text: data('[DONE]') });
      return events;
    }
    case 'responses': {
      const response = {
        id: `resp_${id}`,
        object: 'response',
        created_at: created,
        model,
        output: [] as unknown[],
      };
      let seq = 0;
      events.push({
        text: data(
          {
            type: 'response.created',
            sequence_number: seq++,
            response: { ...response, status: 'in_progress' },
          },
          'response.created',
        ),
      });
      pieces.forEach((p, i) => {
        events.push({
          text: data(
            {
              type: 'response.output_text.delta',
              sequence_number: seq++,
              item_id: `msg_${id}`,
              output_index: 0,
              content_index: 0,
              delta: p,
            },
            'response.output_text.delta',
          ),
          content: i,
        });
      });
      const done = {
        ...response,
        status: 'completed',
        output: [
          {
            type: 'message',
            id: `msg_${id}`,
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: pieces.join(''), annotations: [] }],
          },
        ],
        ...(tokens ? { usage: responsesUsage(tokens) } : {}),
      };
      events.push({
        text: data(
          { type: 'response.completed', sequence_number: seq++, response: done },
          'response.completed',
        ),
      });
      return events;
    }
    default: {
      const start = {
        type: 'message_start',
        message: {
          id: `msg_${id}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          ...(tokens ? { usage: anthropicUsage(tokens, 1) } : {}),
        },
      };
      events.push({ text: data(start, 'message_start') });
      events.push({
        text: data(
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          'content_block_start',
        ),
      });
      pieces.forEach((p, i) => {
        events.push({
          text: data(
            { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } },
            'content_block_delta',
          ),
          content: i,
        });
      });
      events.push({ text: data({ type: 'content_block_stop', index: 0 }, 'content_block_stop') });
      events.push({
        text: data(
          {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            ...(tokens ? { usage: { output_tokens: tokens.output } } : {}),
          },
          'message_delta',
        ),
      });
      events.push({ text: data({ type: 'message_stop' }, 'message_stop') });
      return events;
    }
  }
}
