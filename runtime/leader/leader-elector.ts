// Leader election on a coordination.k8s.io/v1 Lease with client-go's timing: a 15 s lease, renewed
// every 2 s, given up 10 s after the last successful renewal. Every write carries the
// resourceVersion it read (optimistic concurrency), so two candidates can never both win. A leader
// that cannot renew within the renew deadline — or finds another holder — stops at once: the term
// signal fires before a standby can take over (10 s < 15 s). A standby takes over once the record
// has not changed for the lease duration by its own clock, or at once when the leader released it.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { isConflict } from '../kube/api-error.js';
import type { KubeClient } from '../kube/kube-client.js';
import { microTime } from '../kube/micro-time.js';
import { type Lease, leases } from '../kube/resources.js';
import { decideLease, type LeaseObservation, observe } from './lease-decision.js';

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** client-go's defaults. */
export const defaultLeaderElectionTiming: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  timing?: Partial<LeaderElectionTiming>;
  log: Logger;
  /** Leadership began; `term` fires when it ends (lost or released). */
  onStartedLeading(term: AbortSignal): void;
  /** Leadership ended; the term signal has already fired. */
  onStoppedLeading(reason: string): void;
}

export class LeaderElector {
  private readonly timing: LeaderElectionTiming;
  private leading: AbortController | undefined;
  private lastRenewAt = 0;
  private observation: LeaseObservation | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private nudged = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.timing = { ...defaultLeaderElectionTiming, ...options.timing };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.timing;
    if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs && retryPeriodMs > 0)) {
      throw new Error(
        `leader election needs lease duration > renew deadline > retry period > 0, got ${leaseDurationMs} / ${renewDeadlineMs} / ${retryPeriodMs} ms`,
      );
    }
  }

  get leaseDescription(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Try now instead of at the next retry (the Lease changed: perhaps the leader released it). */
  nudge(): void {
    if (this.leading) return;
    // Remembered when no pause is running (a round is in flight): the next pause is skipped.
    this.nudged = true;
    this.wake?.();
  }

  /**
   * Ends the loop. A leader's term ends first (its signal fires), then, with `release`, the Lease is
   * handed back so a standby takes over at once instead of after the lease duration.
   */
  async stop(options: { release: boolean }): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.leading) this.endTerm('shutting down');
    await this.loop;
    // release() checks that we still hold it; lastRenewAt > 0 means we held it at some point.
    if (options.release && this.lastRenewAt > 0) await this.release();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.leading) {
        if (await this.tryAcquireOrRenew(this.timing.renewDeadlineMs)) {
          // Won while stop() was waiting for this round: stop() releases it again.
          if (this.stopped) break;
          this.beginTerm();
          continue;
        }
        // client-go's jitter: wait between 1 and 2.2 retry periods, or until nudged.
        await this.pause(this.timing.retryPeriodMs * (1 + Math.random() * 1.2), true);
      } else {
        await this.pause(this.timing.retryPeriodMs, false);
        if (this.stopped) break;
        if (!this.leading) continue;
        const remaining = this.timing.renewDeadlineMs - (performance.now() - this.lastRenewAt);
        const renewed = remaining > 0 && (await this.tryAcquireOrRenew(remaining));
        if (!this.leading) continue;
        if (!renewed && performance.now() - this.lastRenewAt >= this.timing.renewDeadlineMs) {
          this.endTerm(
            `could not renew the lease ${this.leaseDescription} within ${this.timing.renewDeadlineMs / 1000} s`,
          );
        }
      }
    }
  }

  /** One read-decide-write round; true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const { client, namespace, name, identity, log } = this.options;
    const key = { namespace, name };
    const sentAt = performance.now();
    const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
    const bounded = client.withSignal(deadline);
    const wallNow = microTime(Date.now());
    const leaseSeconds = Math.round(this.timing.leaseDurationMs / 1000);
    try {
      const lease = await bounded.get(leases, key);
      if (!lease) {
        await bounded.create(leases, {
          metadata: { namespace, name },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: leaseSeconds,
            acquireTime: wallNow,
            renewTime: wallNow,
            leaseTransitions: 0,
          },
        });
        this.lastRenewAt = sentAt;
        return true;
      }
      const spec = lease.spec ?? {};
      this.observation = observe(this.observation, JSON.stringify(spec), performance.now());
      const action = decideLease({
        lease: spec,
        observation: this.observation,
        identity,
        now: performance.now(),
        leaseDurationMs: this.timing.leaseDurationMs,
      });
      if (action.kind === 'wait') {
        if (this.leading) this.endTerm(`the lease ${this.leaseDescription} is now held by ${action.holder}`);
        return false;
      }
      const renewing = action.kind === 'renew';
      const next: Lease = {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds: leaseSeconds,
          renewTime: wallNow,
          acquireTime: renewing && spec.acquireTime ? spec.acquireTime : wallNow,
          leaseTransitions: (spec.leaseTransitions ?? 0) + (renewing ? 0 : 1),
        },
      };
      await bounded.update(leases, next);
      if (!renewing && !this.leading) {
        log.info(
          {
            lease: this.leaseDescription,
            previousHolder: action.kind === 'acquire' ? action.previousHolder : undefined,
          },
          `acquired the lease ${this.leaseDescription}${action.kind === 'acquire' && action.previousHolder ? ` from ${action.previousHolder}` : ''}`,
        );
      }
      this.lastRenewAt = sentAt;
      return true;
    } catch (err) {
      if (!isConflict(err)) {
        log.warn(
          { lease: this.leaseDescription, err: (err as Error).message },
          'leader election round failed',
        );
      }
      return false;
    }
  }

  private beginTerm(): void {
    this.leading = new AbortController();
    this.options.log.info({ lease: this.leaseDescription }, `became leader as ${this.options.identity}`);
    this.options.onStartedLeading(this.leading.signal);
  }

  private endTerm(reason: string): void {
    const term = this.leading;
    if (!term) return;
    this.leading = undefined;
    term.abort(new Error(`leadership ended: ${reason}`));
    // Handing over on shutdown is routine; losing the lease is worth a warning.
    const level = this.stopped ? 'info' : 'warn';
    this.options.log[level]({ lease: this.leaseDescription }, `stopped leading: ${reason}`);
    this.options.onStoppedLeading(reason);
  }

  /** Hands the lease back: no holder, 1 s duration (client-go's release). */
  private async release(): Promise<void> {
    const { client, namespace, name, identity, log } = this.options;
    const bounded = client.withSignal(AbortSignal.timeout(this.timing.renewDeadlineMs));
    try {
      const lease = await bounded.get(leases, { namespace, name });
      if (!lease || lease.spec?.holderIdentity !== identity) return;
      const now = microTime(Date.now());
      const { holderIdentity: _released, ...rest } = lease.spec;
      await bounded.update(leases, {
        ...lease,
        spec: { ...rest, leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
      log.info({ lease: this.leaseDescription }, `released the lease ${this.leaseDescription}`);
    } catch (err) {
      log.warn(
        { lease: this.leaseDescription, err: (err as Error).message },
        'could not release the lease; a standby takes over when it expires',
      );
    }
  }

  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (wakeable && this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        if (this.stopped) done();
        else if (wakeable) {
          this.nudged = false;
          done();
        }
      };
    });
  }
}
