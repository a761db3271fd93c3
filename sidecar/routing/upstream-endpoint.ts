/** Where an attempt goes: the URL (for messages), and its origin and path (what the dispatcher takes). */
export interface UpstreamEndpoint {
  url: string;
  origin: string;
  /** Path and query, e.g. `/v1/chat/completions` or `/openai/deployments/x/chat/completions?api-version=…`. */
  path: string;
}

/** Endpoints already split: a policy has few target URLs, so this stays small; bounded all the same. */
const known = new Map<string, UpstreamEndpoint>();
const MAX_KNOWN = 1_000;

/** `url` split into origin and path once, then served from memory (a URL parse per call costs microseconds). */
export function upstreamEndpoint(url: string): UpstreamEndpoint {
  let endpoint = known.get(url);
  if (endpoint === undefined) {
    const parsed = new URL(url);
    endpoint = { url, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(url, endpoint);
  }
  return endpoint;
}
