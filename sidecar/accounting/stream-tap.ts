import type { ApiKind } from '../http/api-kind.js';
import { countInputTokens } from './input-estimate.js';
import { anthropicUsage } from './provider-usage.js';
import type { RequestText } from './request-text.js';
import { SseParser } from './sse-parser.js';
import { reportedStreamUsage, StreamUsageReader } from './stream-usage.js';
import type { TokenUsage } from './token-usage.js';
import { estimateTokens } from './tokenizer.js';

/**
 * Sits on an SSE answer between the upstream and the agent: every chunk goes in, the bytes to send on
 * come out at once. It forwards each event the moment it is complete (holding back only the bytes of
 * an unfinished event), drops the usage chunk the sidecar asked for, and reads usage as it passes.
 */
export interface StreamTap {
  /** Bytes to forward now (may be empty); never holds back a complete event. */
  push(chunk: Buffer): Buffer;
  /** The stream ended: the bytes still held (an unfinished last event). */
  end(): Buffer;
  /** Exact when the provider reported it; else counted from the text seen with a tokenizer, `estimated: true`. */
  usage(): TokenUsage;
  /** A terminal event was seen (`[DONE]`, `response.completed`, `message_stop`). */
  readonly completed: boolean;
}

export interface StreamTapOptions {
  /** The sidecar injected `stream_options.include_usage`: drop the usage chunk (and `"usage":null` members). */
  stripUsageChunk: boolean;
  /** The model called, for the tokenizer. */
  model: string;
  /** Input tokens to record when the provider reports none and `requestText` is not given. */
  estimatedInputTokens: number;
  /** The request's text: when given, missing input usage is counted from it with the tokenizer. */
  requestText?: RequestText;
  /** An event longer than this without its blank line is passed through unparsed (default 8 MiB). */
  maxEventBytes?: number;
}

const EMPTY = Buffer.alloc(0);

export function createStreamTap(api: ApiKind, options: StreamTapOptions): StreamTap {
  const parser = new SseParser(options.maxEventBytes);
  const reader = new StreamUsageReader(api, options.stripUsageChunk);
  /** Whether the previous event was forwarded, which decides the fate of its trailing LF (a tail). */
  let lastForwarded = true;
  let ended = false;

  const forward = (chunk: Buffer, pieces: Buffer[]): void => {
    for (const item of parser.push(chunk)) {
      if (item.kind === 'tail') {
        if (lastForwarded) pieces.push(item.raw);
        continue;
      }
      if (item.kind === 'overflow') {
        pieces.push(item.raw);
        lastForwarded = true;
        continue;
      }
      const out = reader.read(item);
      lastForwarded = out !== undefined;
      if (out) pieces.push(out);
    }
  };

  return {
    push(chunk: Buffer): Buffer {
      if (ended) throw new Error('stream tap: push() after end()');
      const pieces: Buffer[] = [];
      forward(chunk, pieces);
      if (pieces.length === 0) return EMPTY;
      return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
    },
    end(): Buffer {
      if (ended) return EMPTY;
      ended = true;
      const rest = parser.end();
      if (!rest) return EMPTY;
      // An event cut off before its blank line: clients discard it, but its usage still counts.
      const out = reader.read(rest);
      return out ?? EMPTY;
    },
    usage(): TokenUsage {
      const reported = reportedStreamUsage(api, reader.report);
      if (reported) return reported;
      const output = estimateTokens(reader.text().join(''), options.model);
      const anthropic = reader.report.anthropic;
      if (anthropic?.input !== undefined) {
        // Input is exact from message_start; output was cut off before message_delta.
        const partial = anthropicUsage(anthropic);
        return { ...partial, outputTokens: Math.max(partial.outputTokens, output), estimated: true };
      }
      const input = options.requestText
        ? countInputTokens(api, options.requestText, options.model)
        : options.estimatedInputTokens;
      return { inputTokens: input, outputTokens: output, cachedInputTokens: 0, estimated: true };
    },
    get completed(): boolean {
      return reader.completed;
    },
  };
}
