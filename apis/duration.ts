import { z } from 'zod';

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A Go-style duration (`500ms`, `10s`, `1m30s`, `2h`) — the form CEL's `duration()` understands,
 * so rules can compare two of them.
 */
export function duration(description: string) {
  return z
    .string()
    .max(32)
    .regex(GO_DURATION, { message: 'must be a duration such as 500ms, 10s, 1m30s or 2h' })
    .refine((v) => parseDuration(v) > 0, { message: 'must be longer than 0s' })
    .meta({
      description,
      'x-kubernetes-validations': [
        { rule: 'duration(self) > duration("0s")', message: 'must be longer than 0s' },
      ],
    });
}

/** A Prometheus-style window (`5m`, `6h`, `28d`, `4w`) for SLOs. */
export function window(description: string) {
  return z
    .string()
    .max(16)
    .regex(/^[1-9][0-9]*(m|h|d|w)$/, { message: 'must be a window such as 30m, 6h, 28d or 4w' })
    .meta({ description });
}

/** Milliseconds in a Go-style duration or a window; NaN when the text is neither. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return Number.NaN;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_MS[unit as string] ?? Number.NaN), 0);
}
