// What the poll workers (poll-worker.ts) tell the main thread about the policy answers they read,
// and how (pure). A worker reads the long-polls of its share of the simulated sidecars; the main
// thread runs everything else and needs of each answer only what a sidecar's spend and the crossing
// measures use: the version and each budget's phase, counts and thresholds — not the whole policy —
// and the moment it was read. A worker's clock is its own: the moment travels as an absolute time
// (timeOrigin + now) and the main thread puts it back on its own performance clock. Answers travel in
// batches, one message per worker every few milliseconds, so the main thread pays little per answer.

/** What the main thread holds of a policy (apis/effective-policy.ts, the fields the benchmark reads). */
export interface PolicySummary {
  version: string;
  budgets: BudgetSummary[];
}

export interface BudgetSummary {
  name: string;
  phase: string;
  usedTokens: number;
  limitTokens?: number;
  /** The lease answer's count gives a phase only with them (sidecar/budget/local-phase.ts). */
  thresholds?: Array<{ percent: number; actions: string[] }>;
}

/** One answer a worker read for sidecar `index`: a policy, or a failure (a 304 is not told). */
export interface PolledAnswer {
  index: number;
  /** HTTP status; 0 when the request failed without one. */
  status: number;
  /** The read's end, absolute: performance.timeOrigin + performance.now() in the worker. */
  at: number;
  policy?: PolicySummary;
}

/** What a worker is started with (workerData): the replicas and the sidecars' credentials. */
export interface PollWorkerData {
  urls: string[];
  ca: string;
  token: string;
  /** How long answers are gathered before they are posted. */
  flushMs: number;
  /** Follow by watches (the sidecar's way); false: by long-polls (--long-poll). */
  watch: boolean;
}

/** Main thread → worker. */
export type ToPollWorker =
  | { type: 'follow'; index: number; replica: number; namespace: string; agent: string }
  | { type: 'close' };

/** Worker → main thread. */
export interface FromPollWorker {
  answers: PolledAnswer[];
}

/** The fields the benchmark reads of a parsed EffectivePolicy (typed as them); anything else is left behind. */
export function summarizePolicy(policy: PolicySummary): PolicySummary {
  return {
    version: policy.version,
    budgets: policy.budgets.map((b) => ({
      name: b.name,
      phase: b.phase,
      usedTokens: b.usedTokens,
      ...(b.limitTokens === undefined ? {} : { limitTokens: b.limitTokens }),
      ...(b.thresholds === undefined
        ? {}
        : { thresholds: b.thresholds.map((t) => ({ percent: t.percent, actions: [...t.actions] })) }),
    })),
  };
}

/** A moment read in another thread (timeOrigin + now there) on this thread's performance clock. */
export function onThisClock(absoluteMs: number, timeOrigin: number): number {
  return absoluteMs - timeOrigin;
}

/** The worker that holds sidecar `index`'s long-poll: round robin, as the replicas are shared. */
export function workerOf(index: number, workers: number): number {
  if (!(Number.isInteger(workers) && workers >= 1))
    throw new Error(`poll workers must be a whole number ≥ 1, got ${workers}`);
  return index % workers;
}

/**
 * Gathers items and hands them on together: the first item after a flush asks `schedule` for one
 * later call of the flush; everything added until then goes in that one delivery.
 */
export class Batch<T> {
  private items: T[] = [];

  constructor(
    private readonly schedule: (flush: () => void) => void,
    private readonly deliver: (items: T[]) => void,
  ) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length === 1) this.schedule(() => this.flush());
  }

  /** Delivers what is gathered now (nothing when empty). */
  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.deliver(items);
  }

  get size(): number {
    return this.items.length;
  }
}
