import { cosineSimilarity } from './answer-similarity.js';

export interface EmbeddingsEndpoint {
  /** An OpenAI-compatible base URL (`http://host/v1`) or the full `…/embeddings` URL. */
  url: string;
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  timeoutMs: number;
}

/**
 * The cosine similarity of two texts' embeddings, from one call to an OpenAI-compatible
 * `/v1/embeddings` endpoint; a failed call is a note saying why, not a score.
 */
export async function embeddingsSimilarity(
  endpoint: EmbeddingsEndpoint,
  reference: string,
  candidate: string,
): Promise<{ score?: number; note?: string }> {
  const url = /\/embeddings$/.test(endpoint.url)
    ? endpoint.url
    : `${endpoint.url.replace(/\/+$/, '')}/embeddings`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKey) headers['authorization'] = `Bearer ${endpoint.apiKey}`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: endpoint.model, input: [reference, candidate] }),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) return { note: `embeddings: HTTP ${response.status} ${text.slice(0, 120)}` };
    const vectors = embeddingVectors(JSON.parse(text));
    if (vectors === undefined)
      return { note: 'embeddings: the answer has no two float vectors in data[].embedding' };
    return { score: cosineSimilarity(vectors[0], vectors[1]) };
  } catch (err) {
    return { note: `embeddings: ${(err as Error).message}` };
  }
}

function embeddingVectors(json: unknown): [number[], number[]] | undefined {
  const data = (json as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length !== 2) return undefined;
  const sorted = [...data].sort((a, b) => (a?.index ?? 0) - (b?.index ?? 0));
  const vectors = sorted.map((d) => d?.embedding);
  if (!vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) return undefined;
  return vectors as [number[], number[]];
}
