import type { ApiKind } from '../http/api-kind.js';

/**
 * The SSE event that ends a stream the upstream broke off, in the form the agent's SDK raises as an
 * error instead of ending quietly with a partial answer: Anthropic's `event: error`, OpenAI's
 * `{"error": {...}}` data (with `event: error` for the Responses API, whose events are named).
 */
export function streamErrorEvent(api: ApiKind, message: string): Buffer {
  if (api === 'messages') {
    const data = { type: 'error', error: { type: 'api_error', message } };
    return Buffer.from(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
  }
  const error = { message, type: 'server_error', param: null, code: 'upstream_stream_broken' };
  if (api === 'responses') {
    const data = { type: 'error', code: error.code, message, param: null, error };
    return Buffer.from(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
  }
  return Buffer.from(`data: ${JSON.stringify({ error })}\n\n`);
}
