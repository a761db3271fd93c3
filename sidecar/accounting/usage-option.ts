import type { ApiKind } from '../http/api-kind.js';

/**
 * The body to forward so that the provider reports usage. OpenAI's chat and completions streams
 * carry usage only when `stream_options.include_usage` is true; for a streaming request that did not
 * ask for it, the option is set (other `stream_options` kept) and `injectedUsageOption` tells the
 * stream tap to strip the extra usage chunk, so the client sees what it would have without the
 * sidecar. Every other request is returned as it is (the Responses and Messages APIs always report
 * usage; JSON answers always carry it). The input body is never modified.
 */
export function prepareRequestForUsage(
  api: ApiKind,
  body: Record<string, unknown>,
): { body: Record<string, unknown>; injectedUsageOption: boolean } {
  if ((api !== 'chat.completions' && api !== 'completions') || body['stream'] !== true) {
    return { body, injectedUsageOption: false };
  }
  const options = body['stream_options'];
  const existing =
    typeof options === 'object' && options !== null && !Array.isArray(options)
      ? (options as Record<string, unknown>)
      : {};
  if (existing['include_usage'] === true) return { body, injectedUsageOption: false };
  return {
    body: { ...body, stream_options: { ...existing, include_usage: true } },
    injectedUsageOption: true,
  };
}
