import { cosineSimilarity } from './answer-similarity.js';
import { type ModelEndpoint, postToModel } from './model-endpoint.js';

/**
 * The cosine similarity of two texts' embeddings, from one call to an OpenAI-compatible
 * `/v1/embeddings` endpoint; a failed call is a note saying why, not a score.
 */
export async function embeddingsSimilarity(
  endpoint: ModelEndpoint,
  reference: string,
  candidate: string,
): Promise<{ score?: number; note?: string }> {
  const answer = await postToModel(
    endpoint,
    '/embeddings',
    { model: endpoint.model, input: [reference, candidate] },
    'embeddings',
  );
  if ('note' in answer) return answer;
  const vectors = embeddingVectors(answer.json);
  if (vectors === undefined)
    return { note: 'embeddings: the answer has no two float vectors in data[].embedding' };
  return { score: cosineSimilarity(vectors[0], vectors[1]) };
}

function embeddingVectors(json: unknown): [number[], number[]] | undefined {
  const data = (json as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length !== 2) return undefined;
  const sorted = [...data].sort((a, b) => (a?.index ?? 0) - (b?.index ?? 0));
  const vectors = sorted.map((d) => d?.embedding);
  if (!vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) return undefined;
  return vectors as [number[], number[]];
}
