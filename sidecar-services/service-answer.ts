// How the services answer: JSON bodies, and errors in the OpenAI shape the sidecar (and any
// OpenAI-style client) reads — `{ "error": { "message", "type", "code" } }` — with the headers
// that go with the status (Retry-After on 503, WWW-Authenticate on 401).
import type { ServerResponse } from 'node:http';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'not_leader'
  | 'unavailable'
  | 'not_implemented'
  | 'internal_error';

export interface ServiceError {
  status: number;
  code: ErrorCode;
  message: string;
  /** Seconds, for 503. */
  retryAfterSeconds?: number;
  headers?: Record<string, string>;
}

export function errorBody(message: string, code: ErrorCode): string {
  return JSON.stringify({ error: { message, type: 'governor_error', code } });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (response.writableEnded || response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    ...(body ? { 'content-type': 'application/json' } : {}),
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(body);
}

export function sendError(response: ServerResponse, error: ServiceError): void {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error.status === 401) headers['www-authenticate'] = 'Bearer realm="agent-governor"';
  sendJson(response, error.status, errorBody(error.message, error.code), headers);
}
