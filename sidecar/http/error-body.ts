import type { ApiKind } from './api-kind.js';

export interface ErrorAnswer {
  status: number;
  contentType: string;
  body: string;
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/** OpenAI's `type` for a status; quota exhaustion is `insufficient_quota`, as OpenAI answers it. */
function openAIType(status: number, code: string): string {
  if (status === 429) return code.startsWith('budget_') ? 'insufficient_quota' : 'rate_limit_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * An error answer in the shape the agent's SDK reads: Anthropic's
 * `{"type":"error","error":{"type","message"}}` for the Messages API, OpenAI's
 * `{"error":{"message","type","param","code"}}` for everything else (and for paths of no API).
 */
export function errorBody(
  api: ApiKind | undefined,
  status: number,
  code: string,
  message: string,
  param: string | null = null,
): ErrorAnswer {
  if (api === 'messages') {
    const type = ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return {
      status,
      contentType: 'application/json',
      body: JSON.stringify({ type: 'error', error: { type, message } }),
    };
  }
  return {
    status,
    contentType: 'application/json',
    body: JSON.stringify({ error: { message, type: openAIType(status, code), param, code } }),
  };
}
