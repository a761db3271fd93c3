import { z } from 'zod';

/** True when `zone` is an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  // The default zone, answered without Intl (which loads ICU's locale and zone data).
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
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
