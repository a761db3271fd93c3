import type { z } from 'zod';

/**
 * A cross-field rule stated once and enforced twice: as CEL in the CRD (so the API server refuses
 * bad objects) and as a zod check (so the operator, the sidecar's file mode and unit tests judge
 * exactly the same way). `holds` must mirror `rule`; a table test holds them to each other.
 */
export interface ValidationRule<T> {
  /** CEL expression over `self`, as in `x-kubernetes-validations`. */
  rule: string;
  /** What a person reads when the rule fails: the field, the expected value. */
  message: string;
  /** JSONPath below `self` of the field at fault, e.g. `.limits`. */
  fieldPath?: string;
  /** The same decision in TypeScript. */
  holds: (value: T) => boolean;
}

/** Describes `schema` and attaches rules that are checked by zod and emitted as CEL. */
export function withRules<S extends z.ZodType>(
  schema: S,
  description: string,
  rules: ValidationRule<z.output<S>>[],
): S {
  const checked = schema.superRefine((value, ctx) => {
    for (const r of rules) {
      if (!r.holds(value as z.output<S>)) {
        ctx.addIssue({
          code: 'custom',
          message: r.message,
          path: r.fieldPath ? r.fieldPath.replace(/^\./, '').split('.') : [],
        });
      }
    }
  }) as unknown as S;
  return checked.meta({
    description,
    'x-kubernetes-validations': rules.map(({ rule, message, fieldPath }) =>
      fieldPath ? { rule, message, fieldPath } : { rule, message },
    ),
  });
}
