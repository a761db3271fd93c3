/**
 * A generous token count without a tokenizer, for reserving budget on every request: one pass over
 * the characters, shaped after how BPE tokenizers (cl100k, o200k) split text — a word is a token per
 * 4 ASCII letters or 4/3 accented, Greek or Cyrillic ones (the space before it included, as the tokenizers
 * do), a capital after a small letter starts a new word, digits go in groups of three, every other
 * symbol is a token, blank runs a token per 8, CJK and other scripts two tokens a character, emoji
 * three. It over-counts prose, code, JSON, YAML, digits and CJK text (checked against both tokenizers
 * in the tests) and costs a few nanoseconds per character where the tokenizer costs ~100 ns and 60 MB.
 */
export function fastTokenCount(text: string): number {
  let tokens = 0;
  /** Letters of the current word in quarters of a token: 1 for an ASCII letter, 3 for any other letter. */
  let letterUnits = 0;
  let digits = 0;
  let lower = false;
  let i = 0;
  const flush = () => {
    if (letterUnits > 0) tokens += Math.ceil(letterUnits / 4);
    if (digits > 0) tokens += Math.ceil(digits / 3);
    letterUnits = 0;
    digits = 0;
    lower = false;
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const ascii = c < 0x80;
    if (
      (ascii && ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a))) ||
      (!ascii && isLatinGreekCyrillic(c))
    ) {
      const upper = c >= 0x41 && c <= 0x5a;
      // camelCase and random identifiers split where a capital follows a small letter.
      if (digits > 0 || (upper && lower)) flush();
      letterUnits += ascii ? 1 : 3;
      lower = !upper;
      i++;
    } else if (c >= 0x30 && c <= 0x39) {
      if (letterUnits > 0) flush();
      digits++;
      i++;
    } else if (isBlank(c)) {
      flush();
      const start = i;
      let newline = false;
      while (i < text.length && isBlank(text.charCodeAt(i))) {
        if (text.charCodeAt(i) === 0x0a || text.charCodeAt(i) === 0x0d) newline = true;
        i++;
      }
      const run = i - start;
      // One blank joins the word or symbol after it (not digits); longer runs (indentation) are a token per 8.
      if (newline || run > 1) tokens += Math.ceil(run / 8);
      else if (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) tokens++;
    } else if (ascii) {
      flush();
      tokens++;
      i++;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      // Beyond the BMP (emoji): four bytes, up to three tokens.
      flush();
      tokens += 3;
      i += 2;
    } else {
      // CJK, Hangul, Arabic, Indic and other scripts: up to two tokens a character.
      flush();
      tokens += 2;
      i++;
    }
  }
  flush();
  return tokens;
}

/** The accented letters of the Latin, Greek and Cyrillic blocks (not × and ÷). */
function isLatinGreekCyrillic(c: number): boolean {
  return c >= 0xc0 && c <= 0x4ff && c !== 0xd7 && c !== 0xf7;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
