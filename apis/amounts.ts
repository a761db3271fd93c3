import { z } from 'zod';

/** A whole percentage from 1 to 100. */
export function percent(description: string) {
  return z.int().min(1).max(100).meta({ description });
}

/** A money amount as a decimal string (`"150"`, `"12.50"`); strings avoid float rounding in the API. */
export function money(description: string) {
  return z
    .string()
    .max(24)
    .regex(/^[0-9]{1,12}(\.[0-9]{1,6})?$/, { message: 'must be a decimal amount such as 150 or 12.50' })
    .meta({ description });
}

/** A percentage objective such as `"99.5"`: more than 0 and less than 100 (100 leaves no error budget). */
export function objectivePercent(description: string) {
  return z
    .string()
    .max(8)
    .regex(/^[0-9]{1,2}(\.[0-9]{1,4})?$/, { message: 'must be a percentage below 100 such as 95 or 99.5' })
    .refine((v) => Number(v) > 0, { message: 'must be more than 0' })
    .meta({
      description,
      'x-kubernetes-validations': [{ rule: 'double(self) > 0.0', message: 'must be more than 0' }],
    });
}

/** A whole, non-negative count that may exceed 2^31 (tokens). */
export function count(description: string) {
  return z.int().min(0).meta({ description, format: 'int64' });
}

/** An ISO 4217 currency code such as USD or EUR. */
export function currency(description: string) {
  return z
    .string()
    .max(3)
    .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD or EUR' })
    .meta({ description });
}

/** A calendar day, `YYYY-MM-DD`, read as 00:00 UTC. */
export function calendarDay(description: string) {
  return z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { message: 'must be a date such as 2026-01-31' })
    .refine((day) => isCalendarDay(day), {
      message: 'must be a calendar date that exists, such as 2026-01-31',
    })
    .meta({ description, format: 'date' });
}

/** True for `YYYY-MM-DD` naming a day that exists (2026-02-30 does not). */
export function isCalendarDay(day: string): boolean {
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day);
}
