import type { DeferredCalls } from './deferred-calls.js';
import type { DeferredJobs } from './deferred-jobs.js';

/** Default time between two rounds of upkeep. */
export const DEFAULT_UPKEEP_INTERVAL_MS = 60_000;

/** Submitted jobs whose batch one round checks, at most (one provider poll each, one after another). */
export const CHECKS_PER_ROUND = 20;

export interface DeferredUpkeepOptions {
  jobs: Pick<DeferredJobs, 'sweep' | 'submitted'>;
  /** Checks a submitted job's batch and, when it has ended, fetches and counts its result. */
  calls: Pick<DeferredCalls, 'check'>;
  /** Time between two rounds (default one minute). */
  intervalMs?: number;
  now?: () => number;
  onError: (err: Error) => void;
}

/**
 * The deferred jobs' background rounds on a timer: each sweeps expired job files (bounded, see
 * `DeferredJobs.sweep`), then checks the batches of up to `CHECKS_PER_ROUND` submitted jobs, so a
 * result is fetched and its usage counted even if the agent never polls. `start` sweeps at once;
 * the timer is unref'd (it never keeps the process alive) and `stop` waits for a round under way.
 */
export class DeferredUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;

  constructor(private readonly options: DeferredUpkeepOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_UPKEEP_INTERVAL_MS;
    if (!(this.intervalMs > 0))
      throw new Error(
        `deferred upkeep: intervalMs must be a positive number of milliseconds, got ${this.intervalMs}`,
      );
  }

  /**
   * Sweeps now, then runs the rounds on the timer: the first check of the batches comes one interval
   * after start, so a restarted sidecar does not poll the providers before it answers anything.
   */
  start(): void {
    this.stopped = false;
    this.sweep();
    this.schedule();
  }

  /** One round now (what the timer does); resolves when it is done. */
  round(): Promise<void> {
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round().then(() => this.schedule()), this.intervalMs);
    this.timer.unref();
  }

  private sweep(): void {
    try {
      this.options.jobs.sweep(this.options.now?.() ?? Date.now());
    } catch (err) {
      this.report(err);
    }
  }

  private async work(): Promise<void> {
    this.sweep();
    try {
      for (const id of this.options.jobs.submitted(CHECKS_PER_ROUND)) {
        if (this.stopped) return;
        await this.options.calls.check(id).catch((err: unknown) => this.report(err, id));
      }
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown, id?: string): void {
    const message = err instanceof Error ? err.message : String(err);
    this.options.onError(new Error(id === undefined ? message : `deferred call ${id}: ${message}`));
  }
}
