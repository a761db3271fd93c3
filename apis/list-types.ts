import { z } from 'zod';

/**
 * Lists with Kubernetes list semantics. The API server enforces uniqueness from
 * `x-kubernetes-list-type`; the same check runs in zod so every judge agrees.
 */

/** A list of unique scalar values (`x-kubernetes-list-type: set`). */
export function setList<T extends z.ZodType>(item: T, description: string, max: number) {
  return z
    .array(item)
    .max(max)
    .superRefine((values, ctx) => {
      const seen = new Set<unknown>();
      values.forEach((value, index) => {
        if (seen.has(value))
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `Duplicate value: ${JSON.stringify(value)}`,
          });
        seen.add(value);
      });
    })
    .meta({ description, 'x-kubernetes-list-type': 'set' });
}

/** A list of objects keyed by one field (`x-kubernetes-list-type: map`), e.g. targets by name. */
export function mapList<T extends z.ZodObject>(
  item: T,
  key: keyof z.output<T> & string,
  description: string,
  max: number,
) {
  return z
    .array(item)
    .max(max)
    .superRefine((values, ctx) => {
      const seen = new Set<unknown>();
      values.forEach((value, index) => {
        const k = (value as Record<string, unknown>)[key];
        if (seen.has(k))
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `Duplicate value: ${key}=${JSON.stringify(k)}`,
          });
        seen.add(k);
      });
    })
    .meta({ description, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key] });
}

/**
 * A list of objects keyed by several fields together (`x-kubernetes-list-map-keys` with more than
 * one key), e.g. exchange rates by from and to.
 */
export function compositeMapList<T extends z.ZodObject>(
  item: T,
  keys: readonly (keyof z.output<T> & string)[],
  description: string,
  max: number,
) {
  return z
    .array(item)
    .max(max)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        const k = JSON.stringify(keys.map((key) => (value as Record<string, unknown>)[key]));
        if (seen.has(k))
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `Duplicate value: ${keys
              .map((key) => `${key}=${JSON.stringify((value as Record<string, unknown>)[key])}`)
              .join(', ')}`,
          });
        seen.add(k);
      });
    })
    .meta({ description, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [...keys] });
}
