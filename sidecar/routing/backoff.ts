/**
 * Delay before retry number `retry` (0 for the first retry): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" — half fixed, half random — so retries of many agents spread out
 * but never come back sooner than half the nominal delay.
 */
export function backoffDelay(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(maxMs, baseMs * 2 ** Math.min(retry, 30));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}

/**
 * Milliseconds a `retry-after` header asks to wait: delta seconds (`"2"`, `"1.5"`) or an HTTP date.
 * Undefined when absent or unreadable; never negative.
 */
export function retryAfterMs(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
