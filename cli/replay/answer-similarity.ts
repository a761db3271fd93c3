/**
 * How close a candidate's answer is to the reference (the baseline's answer, or the captured one),
 * from 0 to 1. Pure; the embeddings method's vectors come from `embeddings-client.ts`, the judge
 * method's grade from `judge-client.ts`.
 */
export const SIMILARITY_METHODS = ['exact', 'json', 'embeddings', 'judge'] as const;
export type SimilarityMethod = (typeof SIMILARITY_METHODS)[number];

/** 1 when the two texts are equal once trimmed and with runs of white space made one space, else 0. */
export function exactSimilarity(reference: string, candidate: string): number {
  const norm = (t: string) => t.trim().replace(/\s+/g, ' ');
  return norm(reference) === norm(candidate) ? 1 : 0;
}

/**
 * How alike two JSON answers are in structure, whatever their values: the share of `path:type`
 * entries (every key of every object, arrays by their elements) the two have in common, out of all
 * either has. A fenced block (```json … ```) is read as its content. Undefined, with the reason,
 * when either is not JSON.
 */
export function jsonStructureSimilarity(
  reference: string,
  candidate: string,
): { score: number } | { score?: undefined; note: string } {
  const ref = parseJsonAnswer(reference);
  if (ref === undefined) return { note: 'the reference answer is not JSON' };
  const cand = parseJsonAnswer(candidate);
  if (cand === undefined) return { score: 0 };
  const a = shape(ref.value);
  const b = shape(cand.value);
  let common = 0;
  for (const entry of a) if (b.has(entry)) common++;
  return { score: common / (a.size + b.size - common) };
}

function parseJsonAnswer(text: string): { value: unknown } | undefined {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  try {
    return { value: JSON.parse(fenced ? (fenced[1] as string) : text) };
  } catch {
    return undefined;
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shape(value: unknown, path = '$', out = new Set<string>()): Set<string> {
  out.add(`${path}:${typeOf(value)}`);
  if (Array.isArray(value)) for (const item of value) shape(item, `${path}[]`, out);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) shape(item, `${path}.${key}`, out);
  return out;
}

/** Cosine of two vectors, floored at 0 (opposite meanings are as far as unrelated ones); 0 for a zero vector. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new Error(`embeddings of different lengths (${a.length} and ${b.length}) cannot be compared`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.min(1, Math.max(0, dot / Math.sqrt(na * nb)));
}
