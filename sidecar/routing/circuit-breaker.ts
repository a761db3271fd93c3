import type { CIRCUIT_STATES } from '../../apis/fallback-route.js';

export type CircuitState = (typeof CIRCUIT_STATES)[number];

export interface CircuitSettings {
  failureThreshold: number;
  openMs: number;
  halfOpenRequests: number;
}

/**
 * The circuit of one target. Closed → Open after `failureThreshold` consecutive failures; Open
 * skips the target for `openMs`, then HalfOpen lets `halfOpenRequests` probes through at a time;
 * a probe's success closes the circuit, its failure opens it again for another `openMs`.
 */
export class CircuitBreaker {
  private current: CircuitState = 'Closed';
  private failures = 0;
  private openedAt = 0;
  private probes = 0;

  constructor(
    readonly settings: CircuitSettings,
    private readonly now: () => number = Date.now,
    private readonly onChange?: (state: CircuitState) => void,
  ) {}

  /** The state now (an Open circuit whose time is up reads HalfOpen). */
  get state(): CircuitState {
    if (this.current === 'Open' && this.now() - this.openedAt >= this.settings.openMs) {
      this.transition('HalfOpen');
    }
    return this.current;
  }

  /**
   * Whether an attempt may go to the target now. In HalfOpen this takes one of the probe slots; the
   * caller must then report `success()`, `failure()` or `release()` (no verdict, e.g. the agent left).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'Closed') return true;
    if (state === 'Open') return false;
    if (this.probes >= this.settings.halfOpenRequests) return false;
    this.probes++;
    return true;
  }

  success(): void {
    this.failures = 0;
    if (this.current === 'HalfOpen') {
      this.probes = Math.max(0, this.probes - 1);
      this.transition('Closed');
    }
  }

  failure(): void {
    if (this.current === 'HalfOpen') {
      this.open();
      return;
    }
    if (this.current === 'Open') return;
    this.failures++;
    if (this.failures >= this.settings.failureThreshold) this.open();
  }

  release(): void {
    if (this.current === 'HalfOpen') this.probes = Math.max(0, this.probes - 1);
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.transition('Open');
  }

  private transition(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.probes = 0;
    this.onChange?.(state);
  }
}
