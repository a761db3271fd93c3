// The key an agent's SDK sends, which in gateway mode is its projected ServiceAccount token: the
// OpenAI SDKs send it as `Authorization: Bearer <key>`, the Anthropic SDKs as `x-api-key: <key>`.
// Pure. Neither header is forwarded upstream (sidecar/routing/upstream-headers.ts allows neither).
import type { IncomingHttpHeaders } from 'node:http';

/** The agent's key as an `Authorization: Bearer` value, whichever header carried it; undefined if none. */
export function agentKeyAuthorization(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization?.trim()) return authorization;
  const apiKey = headers['x-api-key'];
  const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return key?.trim() ? `Bearer ${key.trim()}` : undefined;
}
