// The budget lease step of a simulated sidecar (docs/adr/0062-budget-leases.md, docs/adr/0063): a
// slice of one token budget, asked for with the sidecar's own client (`requestBudgetLeases`) and
// held with the sidecar's own slice rules (sidecar/budget/lease-slice.ts): the running total of
// settled tokens, the smoothed rate, renewal at half the lease time (1 s leases near a threshold)
// or when the room left falls below the low-water mark, and the phase from the answer's count
// (sidecar/budget/local-phase.ts). What differs from BudgetLeases: no 100-ms tick per holder (10,000
// timers would take the generator's CPU) — the next ask is timed from the answer's expiry, and the
// low-water rule is looked at whenever the sidecar spends; the failure rule is the same (slow: the
// slice keeps limiting for 2 s and the answer is still awaited and used; away: the local rule of the
// policy decides).
import type { BudgetLeaseRequest } from '../../apis/budget-lease.js';
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import { FAILURE_PAUSE_MS, FALLBACK_AFTER_MS } from '../../sidecar/budget/budget-leases.js';
import { type LeaseTransport, requestBudgetLeases } from '../../sidecar/budget/lease-client.js';
import {
  type HeldLease,
  leaseUsedTokens,
  lowWater,
  nextRate,
  renewalDue,
  sliceRoom,
} from '../../sidecar/budget/lease-slice.js';
import { budgetPhase } from '../../sidecar/budget/local-phase.js';

/** Counts over all holders of a run: asks sent, answered, failed, and the latest answer's count. */
export interface LeaseTally {
  asks: number;
  answered: number;
  failed: number;
  /** Failed as slow (past the sidecar's timeout), then answered on their connection and used. */
  late: number;
  unsupported: number;
  /** The last failure's message (printed with the window). */
  lastError?: string;
}

export class LeaseStep {
  lease: HeldLease | undefined;
  /** Tokens settled against slices this period, in total. */
  settled = 0;
  /** The stop is giving the slice back: no new ask. */
  private stopped = false;
  private rate = { perSecond: 0, settled: 0, at: 0 };
  private asking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failingSince: number | undefined;
  private away = false;

  constructor(
    private readonly holder: string,
    private readonly budgetName: string,
    private readonly agent: { namespace: string; name: string },
    private readonly transport: LeaseTransport,
    private readonly tally: LeaseTally,
    private readonly callTokens: () => number,
    /** Called with each answered lease's count (the budget's usage as the book knows it). */
    private readonly onCount: (counted: number, at: number) => void,
  ) {}

  /** Whether the slice limits spending now (held, and its services not failing for long). */
  limits(): boolean {
    return this.lease !== undefined && !this.lease.failing;
  }

  /** Tokens the slice still covers. */
  room(): number {
    return this.lease ? Math.max(0, sliceRoom(this.lease, this.settled, 0)) : 0;
  }

  /** Spent `tokens` against the slice (settled at once: the simulated calls have no flight time). */
  spend(tokens: number): void {
    this.settled += tokens;
    this.askIfDue(performance.now());
  }

  /** The budget's use as the lease says: the book's count plus this holder's spend since the ask. */
  used(): number | undefined {
    return this.lease ? leaseUsedTokens(this.lease, this.settled) : undefined;
  }

  askIfDue(now: number): void {
    if (this.stopped || this.asking) return;
    const due = renewalDue(this.lease, now, {
      settled: this.settled,
      reserved: 0,
      ratePerSecond: this.rate.perSecond,
      callTokens: this.callTokens(),
    });
    if (due) this.ask(now, false);
  }

  /** Asks now (the first lease, a renewal, the release at stop); one ask in flight at a time. */
  ask(now: number, release: boolean): Promise<void> {
    if (this.asking) return this.asking;
    this.asking = this.send(now, release).finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  private async send(askedAt: number, release: boolean): Promise<void> {
    clearTimeout(this.timer);
    const perSecond =
      this.rate.at === 0
        ? 0
        : nextRate(this.rate.perSecond, this.settled - this.rate.settled, askedAt - this.rate.at);
    this.rate = { perSecond, settled: this.settled, at: askedAt };
    const callTokens = this.callTokens();
    const budget = this.budgetName;
    const request: BudgetLeaseRequest = {
      agent: this.agent,
      holder: this.holder,
      budgets: [
        {
          budget,
          settledTokens: this.settled,
          reservedTokens: 0,
          ratePerSecond: perSecond,
          callTokens,
          release,
        },
      ],
    };
    this.tally.asks++;
    let outcome = await requestBudgetLeases(this.transport, request);
    let now = performance.now();
    if (release) return;
    if (outcome.kind !== 'answered') {
      if (outcome.kind === 'unsupported') this.tally.unsupported++;
      else {
        this.tally.failed++;
        this.tally.lastError = outcome.error.message;
      }
      this.failingSince ??= askedAt;
      this.away = outcome.kind === 'failed' && outcome.away;
      if (this.lease && (this.away || now - this.failingSince >= FALLBACK_AFTER_MS)) {
        this.lease.failing = true;
        if (now >= this.lease.expiresAt) this.lease = undefined;
      }
      // Slow: as the sidecar, await the answer on its connection (no new ask meanwhile) and use it.
      const late = outcome.kind === 'failed' ? outcome.late : undefined;
      if (late) outcome = await late;
      now = performance.now();
      if (outcome.kind !== 'answered') {
        this.schedule(Math.max(0, askedAt + FAILURE_PAUSE_MS - now));
        return;
      }
      this.tally.late++;
    }
    this.tally.answered++;
    this.failingSince = undefined;
    const lease = outcome.answer.leases.find((l) => l.budget === budget);
    if (!lease) {
      this.lease = undefined;
      this.schedule(FAILURE_PAUSE_MS);
      return;
    }
    this.lease = {
      granted: lease.grantedTokens,
      settledAtAsk: request.budgets[0]?.settledTokens ?? 0,
      askedAt,
      expiresAt: askedAt + lease.expiresInMs,
      counted: lease.countedTokens,
      periodEnd: lease.periodEnd,
      lowWater: lowWater(callTokens, perSecond),
    };
    this.onCount(lease.countedTokens, now);
    // Renewal at half the lease time (renewalDue's rule), timed rather than looked at every 100 ms.
    this.schedule(Math.max(0, askedAt + lease.expiresInMs / 2 - now));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.askIfDue(performance.now()), ms);
  }

  /** Stops asking and gives the slice back. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.asking;
    if (this.lease) await this.send(performance.now(), true);
  }
}

/** The phase the lease's count gives under the policy's budget (limits and thresholds): the sidecar's rule. */
export function leasePhase(budget: EffectiveBudget, usedTokens: number): string {
  return budgetPhase(
    budget,
    { tokens: usedTokens, costMicros: 0 },
    { operatorCurrent: false, critical: false },
  ).phase;
}
