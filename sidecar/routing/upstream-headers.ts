import type { IncomingHttpHeaders } from 'node:http';
import { headerNameToString } from '../http/undici-parts.js';
import { ANTHROPIC_VERSION } from './provider-adapter.js';

/**
 * Request headers of the agent that reach the provider. An allow-list, not a deny-list: the agent's
 * `authorization`, `x-api-key`, `api-key`, cookies and the governor's own headers never leave the
 * pod, whatever new header an SDK invents. `accept-encoding` is not forwarded either: the sidecar
 * reads the stream to count tokens, so it asks for identity encoding.
 */
const FORWARDED = new Set([
  'accept',
  'anthropic-beta',
  'anthropic-version',
  'openai-beta',
  'traceparent',
  'tracestate',
  'user-agent',
  'x-stainless-lang',
  'x-stainless-package-version',
  'x-stainless-os',
  'x-stainless-arch',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-retry-count',
  'x-stainless-timeout',
]);

export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  auth: Record<string, string>,
  anthropic: boolean,
  bodyLength: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(bodyLength),
    'accept-encoding': 'identity',
  };
  for (const name in incoming) {
    if (!FORWARDED.has(name)) continue;
    const value = incoming[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (anthropic && !headers['anthropic-version']) headers['anthropic-version'] = ANTHROPIC_VERSION;
  return Object.assign(headers, auth);
}

/** The status of an upstream answer and what the sidecar reads of its headers. */
export interface UpstreamHead {
  status: number;
  /** The headers relayed to the agent (`isRelayedHeader`), names lower case, repeated ones joined by `, `. */
  headers: Record<string, string>;
  /** The first `retry-after` value, as the provider wrote it. */
  retryAfter?: string;
}

/**
 * The head of an upstream answer read from undici's raw headers (name, value, name, value, ...) in one
 * pass: a name is lower-cased (a well-known one without a new string), a value decoded only when its
 * header is relayed — no object of every header built first and filtered after.
 */
export function upstreamHead(status: number, raw: readonly Buffer[]): UpstreamHead {
  const headers: Record<string, string> = {};
  const head: UpstreamHead = { status, headers };
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = headerNameToString(raw[i] as Buffer);
    if (!isRelayedHeader(name)) continue;
    const value = (raw[i + 1] as Buffer).toString('latin1');
    if (name === 'retry-after' && head.retryAfter === undefined) head.retryAfter = value;
    const before = headers[name];
    headers[name] = before === undefined ? value : `${before}, ${value}`;
  }
  return head;
}

/**
 * Whether a response header of the provider reaches the agent: the content type, request ids and
 * rate limit information; never hop-by-hop headers, lengths (the sidecar may strip a usage chunk) or
 * cookies. `name` is lower case.
 */
export function isRelayedHeader(name: string): boolean {
  return (
    name === 'content-type' ||
    name === 'retry-after' ||
    name === 'x-request-id' ||
    name === 'request-id' ||
    name === 'openai-processing-ms' ||
    name === 'openai-version' ||
    name.startsWith('x-ratelimit-') ||
    name.startsWith('anthropic-ratelimit-') ||
    name === 'cache-control'
  );
}
