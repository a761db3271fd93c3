// What a cross-object check finds about one governor object, and the answer made of it (pure).
// Every message names the object (kind namespace/name), the field path, the value and why. A denial
// the object already earned before an UPDATE is only warned about, so an edit elsewhere (a label, a
// finalizer) is never blocked by an older problem — the controllers keep reporting it in status.
import type { AdmissionVerdict } from '../admission/admission-review.js';

export interface ObjectFinding {
  /** Identity of the finding across the object's old and new version (UPDATE). */
  key: string;
  severity: 'deny' | 'warn';
  /** For a denial: Forbidden (residency) or Conflict (another object claims the same thing). */
  reason?: 'Forbidden' | 'Conflict';
  message: string;
}

/** Warnings per answer; the rest are counted in one more. */
export const MAX_OBJECT_WARNINGS = 10;
const MAX_WARNING_LENGTH = 250;
const CODES = { Forbidden: 403, Conflict: 409 } as const;

/** `kind namespace/name`, or `kind name` for a cluster-scoped object. */
export function objectName(
  kind: string,
  metadata: { name?: string; namespace?: string } | undefined,
): string {
  const name = metadata?.name ?? '(unnamed)';
  return metadata?.namespace ? `${kind} ${metadata.namespace}/${name}` : `${kind} ${name}`;
}

/**
 * The verdict on `findings`; `before` holds the findings of the object's previous version (UPDATE),
 * whose denials become warnings when the new version still has them.
 */
export function objectVerdict(
  findings: readonly ObjectFinding[],
  before?: readonly ObjectFinding[],
): AdmissionVerdict {
  const earlier = new Set((before ?? []).filter((f) => f.severity === 'deny').map((f) => f.key));
  const denials: ObjectFinding[] = [];
  const warnings: string[] = [];
  for (const finding of findings) {
    if (finding.severity === 'warn') warnings.push(finding.message);
    else if (earlier.has(finding.key))
      warnings.push(`not refused, already so before this update: ${finding.message}`);
    else denials.push(finding);
  }
  const shown = warnings.slice(0, MAX_OBJECT_WARNINGS).map(shorten);
  if (warnings.length > MAX_OBJECT_WARNINGS)
    shown.push(`and ${warnings.length - MAX_OBJECT_WARNINGS} more warnings`);
  if (denials.length > 0) {
    const reason = denials.some((d) => d.reason !== 'Conflict') ? 'Forbidden' : 'Conflict';
    return {
      allowed: false,
      code: CODES[reason],
      reason,
      message: denials.map((d) => d.message).join('\n'),
      ...(shown.length > 0 ? { warnings: shown } : {}),
    };
  }
  return shown.length > 0 ? { allowed: true, warnings: shown } : { allowed: true };
}

function shorten(text: string): string {
  return text.length > MAX_WARNING_LENGTH ? `${text.slice(0, MAX_WARNING_LENGTH - 1)}…` : text;
}
