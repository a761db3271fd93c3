import type { ApiKind } from '../http/api-kind.js';

/**
 * The provider batch APIs' documents, built and read without any I/O (docs/adr/0048-deferred-calls-through-batch-apis.md):
 * OpenAI Batch (a JSONL file of `{custom_id, method, url, body}` lines, uploaded through Files; the
 * output file has one `{custom_id, response: {status_code, body}, error}` line per request) and
 * Anthropic Message Batches (`{requests: [{custom_id, params}]}`; results are JSONL lines
 * `{custom_id, result: {type, message | error}}`).
 */

/** The APIs each provider's batch interface takes. */
export const OPENAI_BATCH_URLS: Partial<Record<ApiKind, string>> = {
  'chat.completions': '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  responses: '/v1/responses',
};

/** A batch answers whole: the fields that ask for a stream are dropped from the deferred request. */
export function batchBody(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  return rest;
}

/** One line of an OpenAI batch input file (with its newline). */
export function openAIBatchLine(
  customId: string,
  api: ApiKind,
  body: Readonly<Record<string, unknown>>,
): string {
  const url = OPENAI_BATCH_URLS[api];
  if (url === undefined) throw new Error(`the OpenAI Batch API does not take ${api} calls`);
  return `${JSON.stringify({ custom_id: customId, method: 'POST', url, body: batchBody(body) })}\n`;
}

/** The body of an Anthropic Message Batches create call with one request. */
export function anthropicBatchRequest(customId: string, body: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ requests: [{ custom_id: customId, params: batchBody(body) }] });
}

/** What a finished batch holds for one request: the provider's answer as a synchronous call would have had it. */
export type BatchItemResult =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; status: number; message: string };

function lines(jsonl: string): Record<string, unknown>[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The line of `customId` in an OpenAI batch output (or error) file; undefined when it is not there. */
export function openAIBatchResult(jsonl: string, customId: string): BatchItemResult | undefined {
  const line = lines(jsonl).find((l) => l['custom_id'] === customId);
  if (!line) return undefined;
  const response = line['response'] as { status_code?: number; body?: Record<string, unknown> } | null;
  const error = line['error'] as { message?: string; code?: string } | null;
  if (response && typeof response.status_code === 'number' && response.body) {
    if (response.status_code < 400) return { ok: true, status: response.status_code, body: response.body };
    const message = (response.body['error'] as { message?: string } | undefined)?.message;
    return { ok: false, status: response.status_code, message: message ?? `status ${response.status_code}` };
  }
  return {
    ok: false,
    status: 502,
    message: error?.message ?? 'the batch answered this request with nothing',
  };
}

/** The line of `customId` in Anthropic batch results; undefined when it is not there. */
export function anthropicBatchResult(jsonl: string, customId: string): BatchItemResult | undefined {
  const line = lines(jsonl).find((l) => l['custom_id'] === customId);
  if (!line) return undefined;
  const result = line['result'] as
    | { type: 'succeeded'; message: Record<string, unknown> }
    | { type: 'errored'; error: { error?: { type?: string; message?: string } } }
    | { type: 'canceled' | 'expired' };
  switch (result.type) {
    case 'succeeded':
      return { ok: true, status: 200, body: result.message };
    case 'errored': {
      const type = result.error.error?.type;
      return {
        ok: false,
        status: type === 'invalid_request_error' ? 400 : 502,
        message: result.error.error?.message ?? 'the batch request failed',
      };
    }
    default:
      return { ok: false, status: 504, message: `the batch request was ${result.type} by the provider` };
  }
}
