import type { DeferredJob } from './deferred-jobs.js';

/**
 * How long a delivered (or failed and told) job's file is kept, so a second poll is still answered
 * 410 `deferred_call_delivered` rather than 404; then the file is removed.
 */
export const DELIVERED_GRACE_MS = 60 * 60_000;

/**
 * How long past its completion window a job is kept before it is swept: the provider has given up
 * on the batch by then (it expires), and the agent has had a day to fetch a result it ended with.
 */
export const EXPIRY_MARGIN_MS = 24 * 60 * 60_000;

/** The only window the batch APIs offer; jobs written before the field existed used it. */
const DEFAULT_WINDOW = '24h';

/** `24h` → milliseconds; a window not in hours is read as the default (the schema allows only `24h`). */
export function completionWindowMs(window: string | undefined): number {
  const hours = /^(\d+)h$/.exec(window ?? DEFAULT_WINDOW)?.[1];
  return Number(hours ?? 24) * 60 * 60_000;
}

/**
 * True when the job's file may be removed at `nowMs`: a delivered job after the grace, any other
 * (submitted, completed, failed but not yet told) once its completion window and the margin are past.
 */
export function jobExpired(job: DeferredJob, nowMs: number): boolean {
  if (job.state === 'delivered') {
    const at = Date.parse(job.deliveredAt ?? job.createdAt);
    return !(nowMs - at < DELIVERED_GRACE_MS);
  }
  const created = Date.parse(job.createdAt);
  return !(nowMs - created < completionWindowMs(job.completionWindow) + EXPIRY_MARGIN_MS);
}

/** The age past which a file that is not a readable job (a torn `.tmp`, a corrupt file) is removed. */
export const STRAY_FILE_MS = completionWindowMs(DEFAULT_WINDOW) + EXPIRY_MARGIN_MS;
