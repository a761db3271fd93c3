import { z } from 'zod';

/** Answers already worked out: building an Intl.DateTimeFormat costs tens of microseconds. */
const known = new Map<string, boolean>();
/** Bounds the memo against a stream of made-up names (a bad file reloaded, a fuzzer). */
const MAX_REMEMBERED = 1_000;

/** True when `zone` is an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  // The default zone, answered without Intl (which loads ICU's locale and zone data).
  if (zone === 'UTC') return true;
  const remembered = known.get(zone);
  if (remembered !== undefined) return remembered;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (known.size >= MAX_REMEMBERED) known.clear();
  known.set(zone, valid);
  return valid;
}

/**
 * An IANA time zone. The API server checks it with CEL's time-zone aware `getHours`, which fails
 * on a name the Go time-zone database does not know.
 */
export function timeZone(description: string) {
  return z
    .string()
    .min(1)
    .max(64)
    .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Berlin' })
    .meta({
      description,
      'x-kubernetes-validations': [
        {
          rule: "timestamp('2000-01-01T00:00:00Z').getHours(self) >= 0",
          message: 'must be an IANA time zone such as UTC or Europe/Berlin',
        },
      ],
    });
}
