/**
 * Masks what looks like a credential in text bound for a log line: bearer tokens, provider API
 * keys (`sk-…`, `sk-ant-…`, `sk-proj-…`), Google API keys, AWS access key ids and
 * `key=value` pairs whose key names a secret. A request record carries no credential by design;
 * this is the second wall for strings that came from outside (error messages, prompts).
 */

const PATTERNS: RegExp[] = [
  /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\b((?:api[_-]?key|x-api-key|authorization|password|secret|token)["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"'&,;]{4,}/gi,
];
const MASK = '[REDACTED]';
/** Cheap pre-test: most log strings (`clamped:max_tokens=4096`) contain none of these. */
const QUICK_CHECK = /bearer|sk-|AIza|AKIA|ASIA|api[_-]?key|authorization|password|secret|token["']?\s*[:=]/i;

export function redactCredentials(text: string): string {
  if (!QUICK_CHECK.test(text)) return text;
  let result = text;
  for (const pattern of PATTERNS) {
    result = result.replace(pattern, (_match, ...groups: unknown[]) => {
      const prefix = groups[0];
      // For `name=value` keep the name so the log still says which field was masked.
      return typeof prefix === 'string' && /[:=]/.test(prefix) ? `${prefix}${MASK}` : MASK;
    });
  }
  return result;
}

/** Redacts every string inside a JSON-like value (a logged prompt); depth- and size-bounded. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactCredentials(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, depth + 1);
  return copy;
}
