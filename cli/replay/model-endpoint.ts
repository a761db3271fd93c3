/** An OpenAI-compatible endpoint replay asks for a similarity: embeddings or a judge model. */
export interface ModelEndpoint {
  /** A `/v1` base URL, or the full URL of the operation. */
  url: string;
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  timeoutMs: number;
}

/** The endpoint from its flags, its key from the environment variable `keyVariable` when set. */
export function modelEndpoint(
  url: string,
  model: string,
  timeoutMs: number,
  keyVariable: string,
): ModelEndpoint {
  const apiKey = process.env[keyVariable];
  return { url, model, timeoutMs, ...(apiKey ? { apiKey } : {}) };
}

/**
 * POSTs `body` as JSON to the endpoint's `operation` (`/embeddings`, `/chat/completions`), unless its
 * URL already ends with it; the parsed answer, or why there is none (`label: HTTP 500 …`). Never throws.
 */
export async function postToModel(
  endpoint: ModelEndpoint,
  operation: string,
  body: unknown,
  label: string,
): Promise<{ json: unknown } | { note: string }> {
  const url = endpoint.url.endsWith(operation)
    ? endpoint.url
    : `${endpoint.url.replace(/\/+$/, '')}${operation}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKey) headers['authorization'] = `Bearer ${endpoint.apiKey}`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) return { note: `${label}: HTTP ${response.status} ${text.slice(0, 120)}` };
    return { json: JSON.parse(text) };
  } catch (err) {
    return { note: `${label}: ${(err as Error).message}` };
  }
}
