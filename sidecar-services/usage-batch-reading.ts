// A usage post's body turned into a UsageBatch, or a 400 that names the field at fault. Pure.
import { type UsageBatch, usageBatch } from '../apis/usage-batch.js';
import { fieldPath } from '../apis/validate.js';

export type BatchReading = { ok: true; batch: UsageBatch } | { ok: false; message: string };

/** At most this many problems are quoted in one answer. */
const QUOTED_PROBLEMS = 3;

export function readUsageBatch(body: Buffer | string): BatchReading {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (err) {
    return { ok: false, message: `the usage batch is not JSON: ${(err as Error).message}` };
  }
  const parsed = usageBatch.safeParse(value);
  if (parsed.success) return { ok: true, batch: parsed.data };
  const issues = parsed.error.issues;
  const quoted = issues
    .slice(0, QUOTED_PROBLEMS)
    .map((issue) => `${fieldPath(issue.path) || '(body)'}: ${issue.message}`);
  const more = issues.length > QUOTED_PROBLEMS ? ` (and ${issues.length - QUOTED_PROBLEMS} more)` : '';
  return { ok: false, message: `the usage batch is invalid: ${quoted.join('; ')}${more}` };
}
