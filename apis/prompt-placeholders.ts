/**
 * The placeholder syntax of a PromptTemplate's messages, shared by the schema, the controller and the
 * sidecar's renderer, so all three read a template the same way. A placeholder is `{{name}}`, spaces
 * allowed inside the braces (`{{ name }}`); any other text between `{{` and `}}` (no braces inside)
 * is a malformed placeholder and refused, never sent verbatim by accident.
 */

/** A variable name: a letter or `_`, then letters, digits and `_` (at most 63). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Everything that looks like a placeholder, well formed or not. */
const CANDIDATES = /\{\{[^{}]*\}\}/g;
const WELL_FORMED = /^\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}$/;

/**
 * A malformed placeholder, as an RE2 pattern for CEL's `matches` (character classes, no escapes, so
 * the same text is a JavaScript pattern): `{{` and `}}` around only spaces, or around text with a
 * character other than a letter, digit, `_` or space, or whose first non-space is a digit, or with a
 * space between two words. A table test holds it to `placeholdersIn`.
 */
export const MALFORMED_PLACEHOLDER =
  '[{][{]( *|[^{}]*[^A-Za-z0-9_ {}][^{}]*| *[0-9][^{}]*|[^{}]*[^ {}] +[^ {}][^{}]*)[}][}]';

export interface Placeholder {
  /** The text as written, e.g. `{{ customer }}`. */
  text: string;
  /** The variable it names; undefined for a malformed placeholder. */
  name: string | undefined;
  /** Offset in the content. */
  index: number;
}

/** The placeholders of `content`, in order. */
export function placeholdersIn(content: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of content.matchAll(CANDIDATES)) {
    const text = match[0];
    found.push({ text, name: WELL_FORMED.exec(text)?.[1], index: match.index });
  }
  return found;
}

/** The text of the placeholders that are malformed or name no variable of `declared`. */
export function undeclaredPlaceholders(content: string, declared: ReadonlySet<string>): string[] {
  return placeholdersIn(content)
    .filter((p) => p.name === undefined || !declared.has(p.name))
    .map((p) => p.text);
}
