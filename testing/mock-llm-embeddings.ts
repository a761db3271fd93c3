import { createHash } from 'node:crypto';

/** Length of the mock's vectors unless the call asks for `dimensions`. */
export const MOCK_EMBEDDING_DIMENSIONS = 64;

/**
 * A deterministic embedding of `text` for the mock LLM: a hashed bag of words. Each lower-cased
 * word adds ±1 at a slot chosen by its SHA-256 (the sign from the hash too, so unrelated words
 * cancel out rather than pile up), and the vector is scaled to length 1. The same words give the
 * same vector; texts sharing more words have a higher cosine — a real, if crude, similarity.
 */
export function hashedBagOfWords(text: string, dimensions = MOCK_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = createHash('sha256').update(word).digest();
    const slot = hash.readUInt32BE(0) % dimensions;
    vector[slot] = (vector[slot] as number) + ((hash[4] as number) & 1 ? 1 : -1);
  }
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
  return norm === 0 ? vector : vector.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}
