import type { IncomingHttpHeaders } from 'node:http';
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

/**
 * Response headers of the provider that reach the agent: the content type, request ids and rate
 * limit information; never hop-by-hop headers, lengths (the sidecar may strip a usage chunk) or
 * cookies.
 */
export function relayedResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    if (
      name === 'content-type' ||
      name === 'retry-after' ||
      name === 'x-request-id' ||
      name === 'request-id' ||
      name === 'openai-processing-ms' ||
      name === 'openai-version' ||
      name.startsWith('x-ratelimit-') ||
      name.startsWith('anthropic-ratelimit-') ||
      name === 'cache-control'
    ) {
      out[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}
