import type { ApiKind } from '../http/api-kind.js';
import { withoutTopLevelNullUsage } from './null-usage-field.js';
import {
  type AnthropicUsageFields,
  anthropicUsage,
  anthropicUsageFields,
  openAiUsage,
  responsesUsage,
} from './provider-usage.js';
import type { SseEvent } from './sse-parser.js';
import type { TokenUsage } from './token-usage.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(data: string): Json | undefined {
  try {
    const json: unknown = JSON.parse(data);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** What a stream said about its usage so far. */
export interface StreamUsageReport {
  /** OpenAI chat/completions and Responses: the final usage object, once seen. */
  final?: TokenUsage;
  /** Anthropic: the latest value of each usage field (message_start, then cumulative message_delta). */
  anthropic?: AnthropicUsageFields;
  /** Anthropic: a message_delta with output_tokens was seen, so the output count is final. */
  anthropicOutputFinal: boolean;
  /** Text the model generated, to count with a tokenizer when the provider did not report usage (see `text()`). */
  text: string[];
  /** A terminal success event was seen: `[DONE]`, `response.completed`/`incomplete`, `message_stop`. */
  completed: boolean;
}

/** An OpenAI chunk that carries a usage object (not `"usage":null`); keys never appear unescaped in strings. */
const USAGE_OBJECT = /"usage"\s*:\s*\{/;
/** Responses events that carry the final usage. */
const RESPONSE_END = new Set(['response.completed', 'response.incomplete', 'response.failed']);
/** Data of events held for their text before it is read anyway (bounds what a long stream holds). */
const MAX_HELD_TEXT_BYTES = 1024 * 1024;

/**
 * Reads one API's stream, event by event: takes usage from each event and says what to forward —
 * the event's bytes, edited bytes (a `"usage":null` removed) or nothing (the usage-only chunk the
 * sidecar asked for). Only events that carry usage (or end the stream) are parsed as they pass; the
 * others are forwarded untouched and their text — needed only when the provider reports no usage —
 * is read when `report` is asked for, so a relayed event costs no `JSON.parse` on its way.
 */
export class StreamUsageReader {
  private readonly state: StreamUsageReport = { anthropicOutputFinal: false, text: [], completed: false };
  /** Data of events whose text is still to be read, and how many characters they are. */
  private held: string[] = [];
  private heldBytes = 0;

  constructor(
    private readonly api: ApiKind,
    private readonly stripUsageChunk: boolean,
  ) {}

  /**
   * What the stream said so far. Its `text` lags behind (events are read for their text only when
   * `text()` is asked for); usage and `completed` are always current.
   */
  get report(): Readonly<StreamUsageReport> {
    return this.state;
  }

  /** Whether a terminal success event was seen. */
  get completed(): boolean {
    return this.state.completed;
  }

  /** The text the model generated, every event passed so far read for it. */
  text(): string[] {
    this.readHeldText();
    return this.state.text;
  }

  /** The bytes to forward for `event`, or undefined to drop it. */
  read(event: SseEvent): Buffer | undefined {
    const data = event.data;
    if (data === undefined) return event.raw;
    if (data === '[DONE]') {
      this.state.completed = true;
      return event.raw;
    }
    switch (this.api) {
      case 'chat.completions':
      case 'completions':
      case 'embeddings':
        if (USAGE_OBJECT.test(data)) break;
        this.hold(data);
        return this.stripUsageChunk ? withoutNullUsage(event) : event.raw;
      case 'responses':
        // The `event:` line names the type; without one the JSON must say it.
        if (event.type === 'message' || RESPONSE_END.has(event.type)) break;
        if (event.type.endsWith('.delta')) this.hold(data);
        return event.raw;
      case 'messages':
        if (event.type === 'content_block_delta') {
          this.hold(data);
          return event.raw;
        }
        if (event.type === 'message_stop') {
          this.state.completed = true;
          return event.raw;
        }
        if (event.type !== 'message' && event.type !== 'message_start' && event.type !== 'message_delta') {
          return event.raw;
        }
        break;
    }
    const json = parseObject(data);
    if (!json) return event.raw;
    switch (this.api) {
      case 'chat.completions':
      case 'completions':
      case 'embeddings':
        return this.openAi(event, json);
      case 'responses':
        this.responses(typeof json['type'] === 'string' ? json['type'] : event.type, json);
        return event.raw;
      case 'messages':
        this.messages(typeof json['type'] === 'string' ? json['type'] : event.type, json);
        return event.raw;
    }
  }

  private hold(data: string): void {
    this.held.push(data);
    this.heldBytes += data.length;
    if (this.heldBytes > MAX_HELD_TEXT_BYTES) this.readHeldText();
  }

  /** Reads the text of the events held so far, in stream order. */
  private readHeldText(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const data of held) {
      const json = parseObject(data);
      if (!json) continue;
      switch (this.api) {
        case 'chat.completions':
        case 'completions':
        case 'embeddings':
          this.openAiText(json);
          break;
        case 'responses':
          // Held because the `event:` line named a delta; the JSON's own type wins, as when parsed at once.
          this.responses(
            typeof json['type'] === 'string' ? json['type'] : 'response.output_text.delta',
            json,
          );
          break;
        case 'messages':
          this.messages(typeof json['type'] === 'string' ? json['type'] : 'content_block_delta', json);
          break;
      }
    }
  }

  private openAi(event: SseEvent, json: Json): Buffer | undefined {
    this.openAiText(json);
    const usage = openAiUsage(json['usage']);
    if (usage) {
      this.state.final = usage;
      if (this.stripUsageChunk && Array.isArray(json['choices']) && json['choices'].length === 0)
        return undefined;
      return event.raw;
    }
    if (this.stripUsageChunk && json['usage'] === null) return withoutNullUsage(event);
    return event.raw;
  }

  private openAiText(json: Json): void {
    for (const choice of list(json['choices'])) {
      if (!isRecord(choice)) continue;
      this.add(choice['text']);
      const delta = choice['delta'];
      if (!isRecord(delta)) continue;
      this.add(delta['content']);
      this.add(delta['refusal']);
      this.add(delta['reasoning_content']);
      for (const call of list(delta['tool_calls'])) {
        if (isRecord(call) && isRecord(call['function'])) {
          this.add(call['function']['name']);
          this.add(call['function']['arguments']);
        }
      }
    }
  }

  private responses(type: string, json: Json): void {
    // Every text delta (output text, tool arguments, reasoning summaries, refusals); audio is base64, not text.
    if (type.endsWith('.delta') && type !== 'response.audio.delta' && typeof json['delta'] === 'string') {
      this.add(json['delta']);
      return;
    }
    if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      const response = json['response'];
      const usage = isRecord(response) ? responsesUsage(response['usage']) : undefined;
      if (usage) this.state.final = usage;
      if (type !== 'response.failed') this.state.completed = true;
    }
  }

  private messages(type: string, json: Json): void {
    if (type === 'content_block_delta') {
      const delta = json['delta'];
      if (isRecord(delta)) {
        this.add(delta['text']);
        this.add(delta['partial_json']);
        this.add(delta['thinking']);
      }
    } else if (type === 'message_start') {
      const message = json['message'];
      this.mergeAnthropic(isRecord(message) ? message['usage'] : undefined, false);
    } else if (type === 'message_delta') {
      this.mergeAnthropic(json['usage'], true);
    } else if (type === 'message_stop') {
      this.state.completed = true;
    }
  }

  /** message_delta counts are cumulative: each present field replaces the one before, never adds. */
  private mergeAnthropic(usage: unknown, fromDelta: boolean): void {
    const fields = anthropicUsageFields(usage);
    if (!fields) return;
    this.state.anthropic = { ...this.state.anthropic, ...fields };
    if (fromDelta && fields.output !== undefined) this.state.anthropicOutputFinal = true;
  }

  private add(text: unknown): void {
    if (typeof text === 'string' && text.length > 0) this.state.text.push(text);
  }
}

/** The usage a finished (or broken) stream reported, when the provider reported it whole. */
export function reportedStreamUsage(api: ApiKind, report: StreamUsageReport): TokenUsage | undefined {
  if (api !== 'messages') return report.final;
  const fields = report.anthropic;
  return fields?.input !== undefined && report.anthropicOutputFinal ? anthropicUsage(fields) : undefined;
}

/** OpenAI's compact serialization puts `"usage":null` last: the common case, edited without a scan. */
const LAST_NULL_USAGE = ',"usage":null}';
const LAST_NULL_USAGE_BYTES = Buffer.from(LAST_NULL_USAGE);

/** The event without its chunk's top-level `"usage":null`; as it was when that is not possible. */
function withoutNullUsage(event: SseEvent): Buffer {
  const data = event.data as string;
  if (data.includes('\n') || !data.includes('"usage"')) return event.raw;
  if (data.endsWith(LAST_NULL_USAGE)) {
    // The member just before the closing brace of the top-level object is a top-level member.
    const at = event.raw.lastIndexOf(LAST_NULL_USAGE_BYTES);
    if (at !== -1) {
      return Buffer.concat([
        event.raw.subarray(0, at),
        event.raw.subarray(at + LAST_NULL_USAGE_BYTES.length - 1),
      ]);
    }
  }
  const edited = withoutTopLevelNullUsage(data);
  if (edited === undefined) return event.raw;
  const raw = event.raw.toString('utf8');
  const at = raw.indexOf(data);
  if (at === -1) return event.raw;
  return Buffer.from(raw.slice(0, at) + edited + raw.slice(at + data.length), 'utf8');
}
