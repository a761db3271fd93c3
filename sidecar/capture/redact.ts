/**
 * Personal data replaced before a captured call is written (docs/capture.md): e-mail addresses,
 * phone numbers, payment card numbers (only when the Luhn check passes) and IBANs (only when the
 * mod-97 check passes), then every extra pattern the team declares. Pure: same text, same result.
 */
export const REDACTED = {
  email: '[email]',
  phone: '[phone]',
  card: '[card]',
  iban: '[iban]',
  custom: '[redacted]',
} as const;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13 to 19 digits, optionally grouped by single spaces or dashes.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// Country code, check digits, then 11 to 30 alphanumerics, optionally in groups of four.
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
// An optional +country code, then 7 to 14 more digits with spaces, dots, dashes or parentheses.
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){6,13}(?!\w)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function ibanValid(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) rest = (rest * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** `text` with personal data replaced by markers; `extra` are the team's own patterns (global). */
export function redact(text: string, extra: readonly RegExp[] = []): string {
  let out = text.replace(EMAIL, REDACTED.email);
  out = out.replace(IBAN, (m) => (ibanValid(m.replace(/ /g, '')) ? REDACTED.iban : m));
  out = out.replace(CARD, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? REDACTED.card : m));
  out = out.replace(PHONE, REDACTED.phone);
  for (const pattern of extra) out = out.replace(pattern, REDACTED.custom);
  return out;
}

/**
 * A JSON value with every string in it redacted (object keys are kept): the request body as the
 * agent sent it, made safe to write. Pure.
 */
export function redactJson(value: unknown, extra: readonly RegExp[] = []): unknown {
  if (typeof value === 'string') return redact(value, extra);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, extra));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactJson(v, extra);
    return out;
  }
  return value;
}

/**
 * The team's patterns as global regular expressions; a pattern that does not compile is an error
 * naming its field and index.
 */
export function compilePatterns(patterns: readonly string[], field: string): RegExp[] {
  return patterns.map((source, i) => {
    try {
      return new RegExp(source, 'g');
    } catch (err) {
      throw new Error(
        `${field}[${i}]: "${source}" is not a valid regular expression: ${(err as Error).message}`,
      );
    }
  });
}
