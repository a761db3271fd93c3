import type { ApiKind } from '../../http/api-kind.js';
import type { TokenUsage } from '../token-usage.js';

/**
 * SSE answers as the providers send them, event by event, with what the agent must receive for each
 * event (`out`; empty when the sidecar drops it). Shapes follow the providers' documented streams.
 */
export interface RecordedStream {
  name: string;
  api: ApiKind;
  model: string;
  /** The sidecar injected `stream_options.include_usage`. */
  stripUsageChunk: boolean;
  events: { in: string; out: string }[];
  usage: TokenUsage;
  /** Text generated, as the tokenizer should count it when the stream breaks. */
  text: string;
}

const same = (text: string) => ({ in: text, out: text });

const chatChunk = (delta: string, finish: string | null = null) =>
  `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]`;

/** A chunk the agent would have received without include_usage, and the same chunk with `"usage":null`. */
const chatEvent = (delta: string, finish: string | null = null) => ({
  in: `data: ${chatChunk(delta, finish)},"usage":null}\n\n`,
  out: `data: ${chatChunk(delta, finish)}}\n\n`,
});

const chatUsage =
  'data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[],"usage":{"prompt_tokens":1117,"completion_tokens":9,"total_tokens":1126,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n';

export const CHAT_INJECTED: RecordedStream = {
  name: 'OpenAI chat, include_usage injected by the sidecar',
  api: 'chat.completions',
  model: 'gpt-4o-2024-08-06',
  stripUsageChunk: true,
  events: [
    chatEvent('{"role":"assistant","content":"","refusal":null}'),
    chatEvent('{"content":"Grüße"}'),
    chatEvent('{"content":" aus"}'),
    chatEvent('{"content":" Berlin — 東京"}'),
    chatEvent('{"content":" \\"usage\\":null"}'),
    chatEvent('{}', '"stop"'),
    { in: chatUsage, out: '' },
    same('data: [DONE]\n\n'),
  ],
  usage: { inputTokens: 1117, outputTokens: 9, cachedInputTokens: 1024, estimated: false },
  text: 'Grüße aus Berlin — 東京 "usage":null',
};

export const CHAT_CLIENT_ASKED: RecordedStream = {
  ...CHAT_INJECTED,
  name: 'OpenAI chat, include_usage asked by the client',
  stripUsageChunk: false,
  events: CHAT_INJECTED.events.map((e) => ({ in: e.in, out: e.in })),
};

export const COMPLETIONS: RecordedStream = {
  name: 'OpenAI completions with a keep-alive comment',
  api: 'completions',
  model: 'gpt-3.5-turbo-instruct',
  stripUsageChunk: true,
  events: [
    {
      in: 'data: {"id":"cmpl-1","object":"text_completion","created":1,"choices":[{"text":"Once","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct","usage":null}\n\n',
      out: 'data: {"id":"cmpl-1","object":"text_completion","created":1,"choices":[{"text":"Once","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct"}\n\n',
    },
    same(': keep-alive\n\n'),
    {
      in: 'data: {"id":"cmpl-1","object":"text_completion","created":1,"choices":[{"text":" upon a time","index":0,"logprobs":null,"finish_reason":"length"}],"model":"gpt-3.5-turbo-instruct","usage":null}\n\n',
      out: 'data: {"id":"cmpl-1","object":"text_completion","created":1,"choices":[{"text":" upon a time","index":0,"logprobs":null,"finish_reason":"length"}],"model":"gpt-3.5-turbo-instruct"}\n\n',
    },
    {
      in: 'data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"gpt-3.5-turbo-instruct","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}\n\n',
      out: '',
    },
    same('data: [DONE]\n\n'),
  ],
  usage: { inputTokens: 5, outputTokens: 4, cachedInputTokens: 0, estimated: false },
  text: 'Once upon a time',
};

const responsesEvent = (type: string, body: string) =>
  same(`event: ${type}\ndata: {"type":"${type}",${body}}\n\n`);

export const RESPONSES: RecordedStream = {
  name: 'OpenAI Responses API with a multi-line data event',
  api: 'responses',
  model: 'gpt-4.1',
  stripUsageChunk: false,
  events: [
    responsesEvent(
      'response.created',
      '"sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1741290958,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"usage":null}',
    ),
    responsesEvent(
      'response.output_item.added',
      '"sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}',
    ),
    responsesEvent(
      'response.content_part.added',
      '"sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}',
    ),
    responsesEvent(
      'response.output_text.delta',
      '"sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"',
    ),
    same(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":4,\ndata: "item_id":"msg_1","output_index":0,"content_index":0,"delta":" there!"}\n\n',
    ),
    responsesEvent(
      'response.output_text.done',
      '"sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hi there!"',
    ),
    responsesEvent(
      'response.completed',
      '"sequence_number":6,"response":{"id":"resp_1","object":"response","status":"completed","output":[{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi there!","annotations":[]}]}],"usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":12},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":80},"total_tokens":123}}',
    ),
  ],
  usage: { inputTokens: 36, outputTokens: 87, cachedInputTokens: 12, estimated: false },
  text: 'Hi there!',
};

const anthropicEvent = (type: string, body: string) =>
  same(`event: ${type}\ndata: {"type":"${type}"${body}}\n\n`);

export const MESSAGES: RecordedStream = {
  name: 'Anthropic messages with prompt caching and two cumulative message_delta events',
  api: 'messages',
  model: 'claude-sonnet-4-5-20250929',
  stripUsageChunk: false,
  events: [
    anthropicEvent(
      'message_start',
      ',"message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":1}}',
    ),
    anthropicEvent('content_block_start', ',"index":0,"content_block":{"type":"text","text":""}'),
    anthropicEvent('ping', ''),
    anthropicEvent('content_block_delta', ',"index":0,"delta":{"type":"text_delta","text":"Hello"}'),
    anthropicEvent('content_block_delta', ',"index":0,"delta":{"type":"text_delta","text":", wörld!"}'),
    anthropicEvent('content_block_stop', ',"index":0'),
    anthropicEvent(
      'content_block_start',
      ',"index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}',
    ),
    anthropicEvent(
      'content_block_delta',
      ',"index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": \\"Paris\\"}"}',
    ),
    anthropicEvent('content_block_stop', ',"index":1'),
    anthropicEvent(
      'message_delta',
      ',"delta":{"stop_reason":null,"stop_sequence":null},"usage":{"output_tokens":10}',
    ),
    anthropicEvent(
      'message_delta',
      ',"delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":15}',
    ),
    anthropicEvent('message_stop', ''),
  ],
  usage: {
    inputTokens: 135,
    outputTokens: 15,
    cachedInputTokens: 100,
    cacheWriteInputTokens: 10,
    estimated: false,
  },
  text: 'Hello, wörld!{"city": "Paris"}',
};

/** The same stream with other line endings: CRLF or CR only. */
export function withLineEndings(stream: RecordedStream, ending: '\r\n' | '\r'): RecordedStream {
  const convert = (s: string) => s.replaceAll('\n', ending);
  return {
    ...stream,
    name: `${stream.name} (${ending === '\r\n' ? 'CRLF' : 'CR'})`,
    events: stream.events.map((e) => ({ in: convert(e.in), out: convert(e.out) })),
  };
}

export const RECORDED_STREAMS: RecordedStream[] = [
  CHAT_INJECTED,
  CHAT_CLIENT_ASKED,
  COMPLETIONS,
  RESPONSES,
  MESSAGES,
];
