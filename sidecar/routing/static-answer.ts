import { randomBytes } from 'node:crypto';
import type { ApiKind } from '../http/api-kind.js';

export interface StaticAnswer {
  contentType: string;
  body: Buffer;
}

/**
 * The route's last-resort text as a proper answer of the API the agent called — a chat completion,
 * a text completion, a Responses object or an Anthropic message — streamed as SSE when the agent
 * asked for a stream, so its SDK reads it like any other answer. Usage is zero: no model ran.
 * Embeddings have no text answer, so undefined.
 */
export function staticAnswer(
  api: ApiKind,
  model: string,
  text: string,
  stream: boolean,
): StaticAnswer | undefined {
  const id = randomBytes(12).toString('hex');
  const created = Math.floor(Date.now() / 1000);
  switch (api) {
    case 'chat.completions': {
      const base = { id: `chatcmpl-static-${id}`, created, model, system_fingerprint: null };
      if (!stream) {
        return json({
          ...base,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        });
      }
      const chunk = (delta: object, finish: string | null) => ({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      });
      return sse([
        [null, chunk({ role: 'assistant', content: text }, null)],
        [null, chunk({}, 'stop')],
        [null, '[DONE]'],
      ]);
    }
    case 'completions': {
      const base = { id: `cmpl-static-${id}`, object: 'text_completion', created, model };
      const choice = (t: string, finish: string | null) => ({
        index: 0,
        text: t,
        logprobs: null,
        finish_reason: finish,
      });
      if (!stream) {
        return json({
          ...base,
          choices: [choice(text, 'stop')],
          usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        });
      }
      return sse([
        [null, { ...base, choices: [choice(text, null)] }],
        [null, { ...base, choices: [choice('', 'stop')] }],
        [null, '[DONE]'],
      ]);
    }
    case 'responses': {
      const message = {
        type: 'message',
        id: `msg_static_${id}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      };
      const response = {
        id: `resp_static_${id}`,
        object: 'response',
        created_at: created,
        status: 'completed',
        model,
        output: [message],
        output_text: text,
        error: null,
        incomplete_details: null,
        usage: {
          input_tokens: 0,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 0,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 0,
        },
      };
      if (!stream) return json(response);
      const inProgress = { ...response, status: 'in_progress', output: [] };
      return sse([
        ['response.created', { type: 'response.created', sequence_number: 0, response: inProgress }],
        [
          'response.output_text.delta',
          {
            type: 'response.output_text.delta',
            sequence_number: 1,
            item_id: message.id,
            output_index: 0,
            content_index: 0,
            delta: text,
          },
        ],
        [
          'response.output_text.done',
          {
            type: 'response.output_text.done',
            sequence_number: 2,
            item_id: message.id,
            output_index: 0,
            content_index: 0,
            text,
          },
        ],
        ['response.completed', { type: 'response.completed', sequence_number: 3, response }],
      ]);
    }
    case 'messages': {
      const message = {
        id: `msg_static_${id}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      };
      if (!stream) return json(message);
      return sse([
        ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null } }],
        [
          'content_block_start',
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ],
        [
          'content_block_delta',
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        ],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        [
          'message_delta',
          {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: 0 },
          },
        ],
        ['message_stop', { type: 'message_stop' }],
      ]);
    }
    case 'embeddings':
      return undefined;
  }
}

function json(value: unknown): StaticAnswer {
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) };
}

function sse(events: [string | null, unknown][]): StaticAnswer {
  const text = events
    .map(([event, data]) => {
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
    })
    .join('');
  return { contentType: 'text/event-stream; charset=utf-8', body: Buffer.from(text) };
}
