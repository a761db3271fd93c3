import { type CompressibleApi, type Message, rewriteOlderMessages } from './conversation.js';

const FENCE = '```';
/** A run of two or more spaces or tabs, or a tab, after a character that is not whitespace. */
const INNER_RUN = /(?<=\S)(?: [ \t]+|\t[ \t]*)/g;
const BEFORE_NEWLINE = /[ \t]+(?=\r?\n)/g;
const AT_END = /[ \t]+$/;
const AFTER_FENCE = /^(?: [ \t]+|\t[ \t]*)/;
const NEWLINES = /(\r?\n)(?:\r?\n){2,}/g;

/** A quick look (no regex) for anything to collapse: most text of a compressed prefix has none. */
function needsCollapsing(text: string): boolean {
  return (
    text.includes('  ') ||
    text.includes('\t') ||
    text.includes(' \n') ||
    text.includes(' \r') ||
    text.includes('\n\n\n') ||
    text.includes('\n\r\n\r\n') ||
    text.endsWith(' ')
  );
}

/**
 * CollapseWhitespace on one text: outside ``` code fences, a run of spaces and tabs between words
 * becomes one space, spaces and tabs at the end of a line are dropped, three or more newlines become
 * two. The indentation at the start of a line is kept (YAML, Python and outlines mean something by
 * it), and so is everything inside a fence — an unclosed fence runs to the end of the text.
 * Idempotent: collapsing twice is collapsing once.
 */
export function collapseWhitespace(text: string): string {
  if (!text.includes(FENCE)) return collapseProse(text, true);
  const pieces = text.split(FENCE);
  // Even pieces are outside a fence, odd ones inside.
  for (let i = 0; i < pieces.length; i += 2) {
    let piece = collapseProse(pieces[i] as string, i === pieces.length - 1);
    // Right after a closing fence, a run is between words too.
    if (i > 0) piece = piece.replace(AFTER_FENCE, ' ');
    pieces[i] = piece;
  }
  return pieces.join(FENCE);
}

function collapseProse(text: string, last: boolean): string {
  if (!needsCollapsing(text)) return text;
  let out = text.replace(INNER_RUN, ' ').replace(BEFORE_NEWLINE, '').replace(NEWLINES, '$1$1');
  if (last) out = out.replace(AT_END, '');
  return out;
}

/**
 * The CollapseWhitespace step over a conversation: the text content of every message older than the
 * latest `keepTurns` user turns (user, assistant and tool text; never tool-call arguments, never the
 * system prompt).
 */
export function collapseWhitespaceStep(
  api: CompressibleApi,
  messages: readonly Message[],
  keepTurns: number,
): readonly Message[] {
  return rewriteOlderMessages(api, messages, keepTurns, (text) => collapseWhitespace(text));
}
