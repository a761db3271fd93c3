import type { DeferredJobs } from './deferred-jobs.js';

/** Default time between two rounds of upkeep. */
export const DEFAULT_UPKEEP_INTERVAL_MS = 60_000;

export interface DeferredUpkeepOptions {
  jobs: Pick<DeferredJobs, 'sweep'>;
  /** Time between two rounds (default one minute). */
  intervalMs?: number;
  now?: () => number;
  onError: (err: Error) => void;
}

/**
 * The deferred jobs' housekeeping on a timer: each round sweeps expired job files (bounded, see
 * `DeferredJobs.sweep`). The first round runs at `start`; the timer is unref'd (it never keeps the
 * process alive) and `stop` waits for a round under way.
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

  start(): void {
    this.stopped = false;
    this.run();
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

  private run(): void {
    void this.round().then(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.run(), this.intervalMs);
      this.timer.unref();
    });
  }

  private async work(): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    try {
      this.options.jobs.sweep(now);
    } catch (err) {
      this.options.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
