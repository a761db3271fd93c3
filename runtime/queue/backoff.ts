// Exponential backoff: the delay before retry number `attempt` (0-based) is
// initial × factor^attempt, capped at max, then spread by ±jitter so that many clients failing
// together (every informer when the API server restarts) do not retry in lock-step.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt; 2 doubles. */
  factor: number;
  /** 0 = exact; 0.5 = anywhere from 0.5× to 1.5× the delay. */
  jitter: number;
}

/** Watch and list retries of an informer: 0.5 s, 1 s, 2 s … 30 s, ±50 %. */
export const informerBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * Per-key reconcile retries: 5 ms, 10 ms, 20 ms … capped at 5 min, exact (like client-go's
 * ItemExponentialFailureRateLimiter, with a lower cap: a broken object is retried at least every 5 min).
 */
export const reconcileBackoff: BackoffPolicy = { initialMs: 5, maxMs: 300_000, factor: 2, jitter: 0 };

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt);
  // Past ~1,000 attempts factor^attempt is Infinity; min() keeps the cap.
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  if (policy.jitter === 0) return base;
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * spread));
}

/** A retry loop's backoff: each `next()` waits longer, `reset()` starts over after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    return backoffDelay(this.attempt++, this.policy, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}
