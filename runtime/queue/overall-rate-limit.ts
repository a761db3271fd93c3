// The overall rate limit of a work queue: a token bucket of `burst` tokens refilled at `perSecond`.
// Reserving a token when the bucket is empty returns how long to wait for it (the token is already
// spoken for), like golang.org/x/time/rate's Reserve().Delay().

export class OverallRateLimit {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Takes one token; returns 0 when one was available, else the milliseconds until it will be. */
  reserve(): number {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    this.updatedAt = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens * 1000) / this.perSecond);
  }
}
