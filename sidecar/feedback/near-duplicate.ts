/**
 * Whether two user messages ask the same thing: a re-ask is the implicit sign that an answer did not
 * help. Pure and cheap (one pass over each message); `RecentCalls` keeps the previous question of a
 * conversation as a `Question` so it is normalised once.
 */

/** A user message reduced to what a re-ask keeps: its normalised text and its set of words. */
export interface Question {
  normalised: string;
  words: ReadonlySet<string>;
}

/** Token-set (Jaccard) similarity from which two questions are near-duplicates (default). */
export const DEFAULT_REASK_SIMILARITY = 0.8;
/**
 * Fewer words than this and a message never counts as a re-ask: "yes", "continue" or "ok" repeated
 * is how a conversation goes on, not a sign the answer failed.
 */
export const MIN_QUESTION_WORDS = 2;

/** Case, accents, punctuation and spacing folded away: "What's  the ETA?" → "what s the eta". */
export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function questionOf(text: string): Question {
  const normalised = normaliseQuestion(text);
  return { normalised, words: new Set(normalised === '' ? [] : normalised.split(' ')) };
}

/** |A ∩ B| / |A ∪ B|; 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const word of small) if (large.has(word)) common++;
  return common / (a.size + b.size - common);
}

/**
 * Near-duplicates: the same normalised text, or word sets at least `similarity` alike — and both of
 * at least MIN_QUESTION_WORDS words.
 */
export function isNearDuplicate(
  a: Question,
  b: Question,
  similarity: number = DEFAULT_REASK_SIMILARITY,
): boolean {
  if (a.words.size < MIN_QUESTION_WORDS || b.words.size < MIN_QUESTION_WORDS) return false;
  if (a.normalised === b.normalised) return true;
  return jaccard(a.words, b.words) >= similarity;
}
