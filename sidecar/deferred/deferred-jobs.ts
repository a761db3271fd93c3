import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Exceeded } from '../budget/reasoning-verdict.js';
import type { ApiKind } from '../http/api-kind.js';
import { jobExpired, STRAY_FILE_MS } from './job-expiry.js';
import type { SubmittedBatch } from './provider-batches.js';

/** A call deferred to a provider's batch API, as the sidecar keeps it on disk until it is delivered. */
export interface DeferredJob {
  id: string;
  createdAt: string;
  api: ApiKind;
  requestedModel: string;
  /** The model the batch calls. */
  model: string;
  traceId: string;
  useCase?: string;
  /** Route and target the batch went to: the key is looked up again in the policy, never stored. */
  route: string;
  target: string;
  batch: SubmittedBatch;
  /** The reasoning limit the call passed. */
  exceeded: Exceeded;
  /** The batch's completion window (`24h`); the job is swept when it and a margin are past. */
  completionWindow?: string;
  /**
   * `submitted` while the batch runs; `completed` when its result is fetched, stored here and
   * counted; `failed` when the batch failed (not yet told); `delivered` once the agent got either.
   */
  state: 'submitted' | 'completed' | 'failed' | 'delivered';
  /** When completed: the provider's answer, kept until delivered. */
  result?: unknown;
  completedAt?: string;
  /** When failed: the status the agent will be answered. */
  failedStatus?: number;
  /** When delivered: the status the agent got (the body itself is not kept). */
  deliveredStatus?: number;
  deliveredAt?: string;
  /** When failed: why. */
  problem?: string;
}

const ID = /^dfr_[0-9a-f]{24}$/;

/** Files a sweep looks at, at most: a spool with many jobs is swept a slice per tick, not all at once. */
export const SWEEP_FILES = 500;

/**
 * Deferred jobs under `<spool>/deferred/<id>.json`, written whole and renamed into place, so a
 * restarted sidecar still answers for the jobs it accepted. `claim` hands a job to one poller at a
 * time, so a result is delivered once even when the agent polls twice at the same moment.
 */
export class DeferredJobs {
  private readonly dir: string;
  private readonly claimed = new Set<string>();
  /** The last file name a sweep looked at: the next one goes on from there (then wraps). */
  private sweptUpTo = '';
  /** The same for `submitted`: each round of the background poller checks the next jobs. */
  private listedUpTo = '';

  constructor(spoolDir: string) {
    this.dir = join(spoolDir, 'deferred');
    mkdirSync(this.dir, { recursive: true });
  }

  static newId(): string {
    return `dfr_${randomBytes(12).toString('hex')}`;
  }

  save(job: DeferredJob): void {
    const file = join(this.dir, `${job.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(job));
    renameSync(`${file}.tmp`, file);
  }

  /** The job, or undefined for an id the sidecar never gave out (or not of its shape). */
  get(id: string): DeferredJob | undefined {
    if (!ID.test(id)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as DeferredJob;
    } catch {
      return undefined;
    }
  }

  /** True when the caller may work on the job now; release it with `unclaim`. */
  claim(id: string): boolean {
    if (this.claimed.has(id)) return false;
    this.claimed.add(id);
    return true;
  }

  unclaim(id: string): void {
    this.claimed.delete(id);
  }

  /**
   * Removes the files of expired jobs (see `jobExpired`) and stray files older than a completion
   * window and the margin, looking at `max` files at most, from where the last sweep stopped.
   * A claimed job is left alone. Returns how many files it removed.
   */
  sweep(nowMs: number, max = SWEEP_FILES): number {
    let names: string[];
    try {
      names = readdirSync(this.dir).sort();
    } catch {
      return 0;
    }
    const ordered = from(names, this.sweptUpTo);
    let removed = 0;
    for (const name of ordered.slice(0, max)) {
      this.sweptUpTo = name;
      const file = join(this.dir, name);
      const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined;
      if (id !== undefined && this.claimed.has(id)) continue;
      const job = id !== undefined && ID.test(id) ? this.get(id) : undefined;
      try {
        const expired = job ? jobExpired(job, nowMs) : nowMs - statSync(file).mtimeMs >= STRAY_FILE_MS;
        if (!expired) continue;
        unlinkSync(file);
        removed++;
      } catch {
        // Gone already (another sweep, a delivery): nothing to remove.
      }
    }
    if (ordered.length <= max) this.sweptUpTo = '';
    return removed;
  }

  /**
   * The ids of up to `max` jobs still `submitted` (their batch not yet seen ended), going on from
   * where the last call stopped, so every job gets its turn however many there are.
   */
  submitted(max: number): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir)
        .filter((n) => n.endsWith('.json'))
        .sort();
    } catch {
      return [];
    }
    const ids: string[] = [];
    for (const name of from(names, this.listedUpTo)) {
      if (ids.length >= max) break;
      this.listedUpTo = name;
      const id = name.slice(0, -'.json'.length);
      if (this.get(id)?.state === 'submitted') ids.push(id);
    }
    return ids;
  }
}

/** `names` (sorted) from the first after `after`, wrapping round to the start. */
function from(names: string[], after: string): string[] {
  const start = names.findIndex((n) => n > after);
  return start < 0 ? names : [...names.slice(start), ...names.slice(0, start)];
}
