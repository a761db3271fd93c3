import type { TokenUsage } from '../accounting/token-usage.js';

/** An answer kept in the response cache, replayed as it was sent (SSE bytes for a stream). */
export interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The tokens the original call cost; a hit costs none. */
  usage: TokenUsage;
  stream: boolean;
  /** The pipeline's word that the answer arrived whole (the stream tap's `completed`); false is never cached. */
  complete?: boolean;
}

/** Terminal events of the streams the sidecar relays: OpenAI `[DONE]`, Responses and Anthropic. */
const TERMINAL = [/data: ?\[DONE\]/, /"type": ?"response\.completed"/, /"type": ?"message_stop"/];

/** How far from its end a stream's terminal event can be (the event and the blank line after it). */
const TAIL_BYTES = 512;

/**
 * Why an answer must not be cached, or undefined when it may be: only a complete 200 is cached — a
 * JSON body that is a whole object, or an SSE stream that ends with its terminal event and the blank
 * line after it. A truncated stream, an error or an empty body would otherwise be replayed as if whole.
 */
export function notCacheable(entry: CachedResponse): string | undefined {
  if (entry.status !== 200) return `status ${entry.status} is not 200`;
  if (entry.complete === false) return 'the answer did not arrive whole';
  if (entry.body.length === 0) return 'the body is empty';
  const tail = entry.body.subarray(Math.max(0, entry.body.length - TAIL_BYTES)).toString('utf8');
  if (entry.stream) {
    if (!/(\n\n|\r\n\r\n|\r\r)$/.test(tail)) return 'the stream does not end with a complete event';
    if (!TERMINAL.some((t) => t.test(tail))) return 'the stream has no terminal event';
    return undefined;
  }
  const head = entry.body.subarray(0, Math.min(entry.body.length, 64)).toString('utf8').trimStart();
  if (!head.startsWith('{') || !tail.trimEnd().endsWith('}')) return 'the body is not a whole JSON object';
  return undefined;
}
