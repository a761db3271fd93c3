/**
 * Whether two user messages ask the same thing: a re-ask is the implicit sign that an answer did not
 * help. Pure and cheap (one pass over each message); `RecentCalls` keeps the previous question of a
 * conversation as a `Question` so it is normalised once — as hashes, not text: a few dozen bytes a
 * conversation instead of a Set of strings (about 1 KB), and no question text held in memory.
 */

/** A user message reduced to what a re-ask keeps: a hash of its normalised text and of each word. */
export interface Question {
  /** FNV-1a of the normalised text. */
  text: number;
  /** FNV-1a of each distinct word, ascending. */
  words: Uint32Array;
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

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function questionOf(text: string): Question {
  const normalised = normaliseQuestion(text);
  const words = normalised === '' ? [] : [...new Set(normalised.split(' ').map(fnv1a))];
  return { text: fnv1a(normalised), words: Uint32Array.from(words).sort() };
}

/** |A ∩ B| / |A ∪ B| of two ascending, duplicate-free arrays; 0 when both are empty. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 0;
  let common = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
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
  if (a.words.length < MIN_QUESTION_WORDS || b.words.length < MIN_QUESTION_WORDS) return false;
  if (a.text === b.text) return true;
  return jaccard(a.words, b.words) >= similarity;
}
