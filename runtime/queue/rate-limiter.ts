// When a failed key may be retried: the longer of its own exponential backoff (it keeps failing)
// and the queue's overall token bucket (many keys failing at once must not flood the API server).
// client-go's DefaultControllerRateLimiter, with the cap of reconcileBackoff.
import { type BackoffPolicy, backoffDelay, reconcileBackoff } from './backoff.js';
import { OverallRateLimit } from './overall-rate-limit.js';

export interface RateLimiterOptions {
  backoff?: BackoffPolicy;
  /** Overall retries per second once the burst is spent; default 10. */
  perSecond?: number;
  /** Default 100. */
  burst?: number;
  now?: () => number;
}

export class KeyRateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly bucket: OverallRateLimit;
  private readonly backoff: BackoffPolicy;

  constructor(options: RateLimiterOptions = {}) {
    this.backoff = options.backoff ?? reconcileBackoff;
    this.bucket = new OverallRateLimit(options.perSecond ?? 10, options.burst ?? 100, options.now);
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return Math.max(backoffDelay(failures, this.backoff), this.bucket.reserve());
  }

  /** The key succeeded (or will not be retried): its next failure starts from the initial delay. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
