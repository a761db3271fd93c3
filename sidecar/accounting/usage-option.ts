import type { ApiKind } from '../http/api-kind.js';

/**
 * The `stream_options` to forward so that the provider reports usage, or undefined when the request
 * is fine as it is. OpenAI's chat and completions streams carry usage only when
 * `stream_options.include_usage` is true; for a streaming request that did not ask for it, the option
 * is set (other `stream_options` kept) — and the stream tap then strips the extra usage chunk, so the
 * client sees what it would have without the sidecar. The Responses and Messages APIs always report
 * usage; JSON answers always carry it. The body is only read.
 */
export function usageStreamOptions(
  api: ApiKind,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  if ((api !== 'chat.completions' && api !== 'completions') || body['stream'] !== true) return undefined;
  const options = body['stream_options'];
  const existing =
    typeof options === 'object' && options !== null && !Array.isArray(options)
      ? (options as Record<string, unknown>)
      : undefined;
  if (existing?.['include_usage'] === true) return undefined;
  return { ...existing, include_usage: true };
}
