// Keeps this sidecar's slices of its token budgets (docs/adr/0062-budget-leases.md): a tick every
// 100 ms asks the services for new slices of all leasable budgets at once when one is due (half the
// lease time gone, the slice nearly spent, a call refused for want of slice), reports the tokens
// settled against them, and returns them on stop. The gate admits calls against the slices
// (budget-gate.ts); this is only the asking. A slow or failed answer leaves the slices limiting
// calls; when the services have not answered for two seconds, the slices stop limiting and the
// local rule of the last policy decides (fail static, as with the operator away); when they keep
// no lease books (501) leases are off and asked again every five minutes. A slow answer is still
// awaited on its connection, no new ask is sent meanwhile, and it is used when it comes
// (docs/adr/0072-lease-asks-keep-their-connection.md).
import { randomUUID } from 'node:crypto';
import type { BudgetLease, BudgetLeaseAnswer, BudgetLeaseAsk } from '../../apis/budget-lease.js';
import type { BudgetGate } from './budget-gate.js';
import type { BudgetLedger } from './budget-ledger.js';
import { type LeaseOutcome, type LeaseTransport, requestBudgetLeases } from './lease-client.js';
import { lowWater, nextRate, renewalDue } from './lease-slice.js';

export interface BudgetLeasesOptions {
  gate: BudgetGate;
  transport: LeaseTransport;
  agent: { namespace: string; name: string };
  now?: () => number;
  /** Time between two looks at the slices; default 100 ms. */
  tickMs?: number;
  /** After a 501 (the services keep no lease books), ask again after this long; default 5 minutes. */
  unsupportedPauseMs?: number;
  /** After a failed ask, the next one waits this long; default 1 s. */
  failurePauseMs?: number;
  /** Failing this long, the slices stop limiting calls and the local rule decides; default 2 s. */
  fallbackAfterMs?: number;
  /** Each lease the services answered (metrics). */
  onLease?: (lease: BudgetLease) => void;
  /** The first failure of a streak, and the 501 (logs). */
  onError?: (error: Error) => void;
}

/** After a failed ask, the next one waits this long (the default of `failurePauseMs`). */
export const FAILURE_PAUSE_MS = 1_000;
/** Failing this long, the slices stop limiting calls (the default of `fallbackAfterMs`). */
export const FALLBACK_AFTER_MS = 2_000;

/** The least slice asked for before any call was seen: a few ordinary calls. */
const FIRST_CALL_TOKENS = 1_024;

/** A ledger as it was when its ask was sent: an answer applies only to the same period. */
interface SentAsk {
  ledger: BudgetLedger;
  epoch: number;
  settled: number;
  periodEnd: string;
}

interface Rate {
  perSecond: number;
  settled: number;
  at: number;
}

export class BudgetLeases {
  /** Unique per process and pipeline: a restarted sidecar is a new holder (its running totals restart). */
  readonly holder = `lease-${randomUUID()}`;
  private readonly now: () => number;
  private readonly rates = new Map<string, Rate>();
  private timer: NodeJS.Timeout | undefined;
  private asking: Promise<void> | undefined;
  /** A slow ask's request, still running after it counted as failed: no new ask meanwhile. */
  private late: Promise<void> | undefined;
  private pausedUntil = 0;
  /** When the current streak of failed asks began; undefined: the last ask was answered. */
  private failingSince: number | undefined;
  /** The last failure said the services are away (503, no connection), not slow. */
  private away = false;
  private nudged = false;
  private stopped = false;

  constructor(private readonly options: BudgetLeasesOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.options.gate.onSliceSpent = () => {
      this.nudged = true;
      this.tick();
    };
    this.options.gate.sliceRenewal = (maxWaitMs) => this.renewal(maxWaitMs);
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 100);
    this.timer.unref();
    this.tick();
  }

  /** Resolves when the ask in flight (if any) has been answered: for tests and stop. */
  settled(): Promise<void> {
    return this.asking ?? Promise.resolve();
  }

  /**
   * True once the ask in flight has been answered or failed; false at once when none is in flight
   * (paused after a failure, stopped) and after `maxWaitMs`. The gate's `sliceRenewal`.
   */
  renewal(maxWaitMs: number): Promise<boolean> {
    const asking = this.asking ?? this.late;
    if (!asking) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      asking.then(done, done);
    });
  }

  /** Stops asking and gives every slice back (within the client's timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.options.gate.onSliceSpent = undefined;
    this.options.gate.sliceRenewal = undefined;
    await this.asking;
    const held = this.options.gate.leasable().filter((l) => l.lease);
    if (held.length > 0) await this.ask(held, true);
  }

  private tick(): void {
    if (this.stopped || this.asking) return;
    const now = this.now();
    const ledgers = this.options.gate.leasable();
    if (ledgers.length === 0) return;
    if (this.late || now < this.pausedUntil) {
      this.fallBackAfterAWhile(ledgers, now);
      return;
    }
    const due =
      this.nudged ||
      ledgers.some((l) =>
        renewalDue(l.lease, now, {
          settled: l.settled,
          reserved: l.reserved.tokens,
          ratePerSecond: this.rates.get(l.budget.name)?.perSecond ?? 0,
          callTokens: l.largestCall,
        }),
      );
    if (!due) return;
    this.nudged = false;
    this.asking = this.ask(ledgers, false).finally(() => {
      this.asking = undefined;
    });
  }

  private async ask(ledgers: BudgetLedger[], release: boolean): Promise<void> {
    const askedAt = this.now();
    const sent = ledgers.map((ledger) => ({
      ledger,
      epoch: ledger.epoch,
      settled: ledger.settled,
      periodEnd: ledger.budget.periodEnd,
    }));
    const asks = sent.map(({ ledger, settled }) => ({
      budget: ledger.budget.name,
      settledTokens: settled,
      reservedTokens: ledger.reserved.tokens,
      ratePerSecond: this.rateOf(ledger, askedAt),
      callTokens: ledger.largestCall || FIRST_CALL_TOKENS,
      release,
    }));
    const outcome = await requestBudgetLeases(this.options.transport, {
      agent: this.options.agent,
      holder: this.holder,
      budgets: asks,
    });
    if (outcome.kind === 'failed') {
      this.failed(ledgers, outcome, askedAt);
      if (outcome.late && !release) {
        // Slow, not lost: the answer is awaited on its connection (no new ask meanwhile) and used.
        this.late = outcome.late.then((late) => {
          this.late = undefined;
          if (late.kind !== 'failed' && !this.stopped) this.answered(sent, asks, late, askedAt, false);
        });
      }
      return;
    }
    this.answered(sent, asks, outcome, askedAt, release);
  }

  /** A failed ask: the pause before the next, the first failure of a streak reported, the fallback rule. */
  private failed(
    ledgers: readonly BudgetLedger[],
    outcome: Extract<LeaseOutcome, { kind: 'failed' }>,
    askedAt: number,
  ): void {
    const now = this.now();
    this.pausedUntil = now + (this.options.failurePauseMs ?? FAILURE_PAUSE_MS);
    if (this.failingSince === undefined) {
      this.failingSince = askedAt;
      this.options.onError?.(outcome.error);
    }
    // Away (503, no connection): the local rule decides at once, as with the operator away. Slow
    // (a timeout): the slices keep limiting until the services have not answered for a while.
    this.away = outcome.away;
    this.fallBackAfterAWhile(ledgers, now);
  }

  /** The services answered the ask sent at `askedAt`: leases off (501), or the slices granted held. */
  private answered(
    sent: readonly SentAsk[],
    asks: readonly BudgetLeaseAsk[],
    outcome: Exclude<LeaseOutcome, { kind: 'failed' }>,
    askedAt: number,
    release: boolean,
  ): void {
    if (outcome.kind === 'unsupported') {
      for (const { ledger } of sent) ledger.lease = undefined;
      this.pausedUntil = askedAt + (this.options.unsupportedPauseMs ?? 5 * 60_000);
      this.options.onError?.(new Error(`budget leases are off: ${outcome.message}`));
      return;
    }
    this.hold(sent, asks, outcome.answer, askedAt, release);
  }

  /** The services' answer to the ask sent at `askedAt`: the slices it grants are held. */
  private hold(
    sent: readonly SentAsk[],
    asks: readonly BudgetLeaseAsk[],
    answer: BudgetLeaseAnswer,
    askedAt: number,
    release: boolean,
  ): void {
    this.failingSince = undefined;
    const byName = new Map(answer.leases.map((l) => [l.budget, l]));
    for (const [i, { ledger, epoch, settled, periodEnd }] of sent.entries()) {
      const lease = byName.get(ledger.budget.name);
      // A slice of a period this ledger has left, or of a budget not leased, is not held.
      if (release || !lease || ledger.epoch !== epoch || lease.periodEnd !== periodEnd) {
        ledger.lease = undefined;
        continue;
      }
      ledger.lease = {
        granted: lease.grantedTokens,
        settledAtAsk: settled,
        askedAt,
        expiresAt: askedAt + lease.expiresInMs,
        counted: lease.countedTokens,
        periodEnd: lease.periodEnd,
        lowWater: lowWater(asks[i]?.callTokens ?? 0, asks[i]?.ratePerSecond ?? 0),
      };
      this.options.onLease?.(lease);
    }
  }

  /**
   * A slow answer leaves the slices limiting calls (the store charged an expired one as spent, so
   * using it stays within the book). When the services said they are away, or have not answered for
   * `fallbackAfterMs`, the slices stop limiting — the local rule of the last policy decides, as with
   * the operator away — and an expired one is dropped (its count is no longer current).
   */
  private fallBackAfterAWhile(ledgers: readonly BudgetLedger[], now: number): void {
    if (this.failingSince === undefined) return;
    if (!this.away && now - this.failingSince < (this.options.fallbackAfterMs ?? FALLBACK_AFTER_MS)) return;
    for (const ledger of ledgers) {
      if (!ledger.lease) continue;
      ledger.lease.failing = true;
      if (now >= ledger.lease.expiresAt) ledger.lease = undefined;
    }
  }

  private rateOf(ledger: BudgetLedger, now: number): number {
    const name = ledger.budget.name;
    const last = this.rates.get(name);
    const perSecond = last ? nextRate(last.perSecond, ledger.settled - last.settled, now - last.at) : 0;
    this.rates.set(name, { perSecond, settled: ledger.settled, at: now });
    return perSecond;
  }
}
