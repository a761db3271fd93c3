/**
 * A token bucket that lets `perMinute` requests through per minute, refilling continuously; its
 * burst is one second's worth (at least one request), so a throttled agent cannot spend a minute's
 * allowance in one go.
 */
export class ThrottleBucket {
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(
    readonly perMinute: number,
    now: number,
  ) {
    this.burst = Math.max(1, Math.ceil(perMinute / 60));
    this.tokens = this.burst;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perMinute) / 60_000);
    this.last = Math.max(this.last, now);
  }

  /** Milliseconds until a request may pass; 0 when one may pass now. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }

  /** Lets one request through when the bucket holds a token. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
