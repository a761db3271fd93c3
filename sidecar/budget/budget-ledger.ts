import { type BudgetPeriodSpec, currentPeriod } from '../../apis/budget-period.js';
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { BudgetPricing } from '../../apis/pricing/budget-pricing.js';
import { type HeldLease, leaseUsedTokens } from './lease-slice.js';
import type { BudgetUse } from './local-phase.js';
import { ThrottleBucket } from './throttle-bucket.js';

/** The TokenBudget default, for rolling a budget whose policy carries no `period`. */
const DEFAULT_PERIOD: BudgetPeriodSpec = { reset: 'Daily', timeZone: 'UTC' };

/**
 * One budget's counts in this sidecar: the operator's aggregate from the policy (`usedTokens` when
 * compiled), usage settled here since, and worst cases reserved by calls in flight. It rolls to the
 * next period by itself at the period end — standalone, or while the operator is unreachable.
 *
 * The operator's word (`usedTokens`, `phase`, `actions`) is current until the policy's `periodEnd`
 * and until this ledger rolls; after that, counts start from zero and the phase comes from the
 * sidecar's own counts. Local counts restart whenever a current policy carries a different
 * `usedTokens` (the operator's aggregate now includes what this sidecar reported).
 */
export class BudgetLedger {
  /** Epochs are unique across ledgers, so a reservation never matches a re-created budget's ledger. */
  private static epochs = 0;
  budget: EffectiveBudget;
  /** New on every roll; a reservation of an older epoch belongs to a past period. */
  epoch = ++BudgetLedger.epochs;
  start: number | undefined;
  end: number;
  operatorCurrent: boolean;
  local: BudgetUse = { tokens: 0, costMicros: 0 };
  reserved: BudgetUse = { tokens: 0, costMicros: 0 };
  /** Tokens settled here this period, a running total (never restarted by a policy): what leases report. */
  settled = 0;
  /** The worst case of the largest call reserved this period, in tokens: the least slice worth asking for. */
  largestCall = 0;
  /** This sidecar's slice of the budget (budget-leases.ts); none: the local rule alone (docs/adr/0062). */
  lease: HeldLease | undefined;
  /** How this budget prices a call in its currency, set with every policy (the gate's setPolicy). */
  pricing: BudgetPricing | undefined;
  private bucket: ThrottleBucket | undefined;

  constructor(budget: EffectiveBudget, now: number) {
    this.budget = budget;
    const policyEnd = Date.parse(budget.periodEnd);
    this.operatorCurrent = now < policyEnd;
    const bounds = this.operatorCurrent && !budget.period ? undefined : this.period(now);
    this.start = bounds?.start.getTime();
    this.end = bounds?.end.getTime() ?? policyEnd;
  }

  /** The period containing `now`; an error names the budget when its period cannot be computed. */
  private period(now: number): { start: Date; end: Date } {
    try {
      return currentPeriod(this.budget.period ?? DEFAULT_PERIOD, new Date(now));
    } catch (err) {
      throw new Error(`TokenBudget "${this.budget.name}": ${(err as Error).message}`);
    }
  }

  /** A new policy for this budget arrived. */
  update(budget: EffectiveBudget, now: number): void {
    const previous = this.budget;
    this.budget = budget;
    if (budget.requestsPerMinute !== previous.requestsPerMinute) this.bucket = undefined;
    const current = now < Date.parse(budget.periodEnd);
    if (
      current &&
      (budget.usedTokens !== previous.usedTokens || budget.usedCostMicros !== previous.usedCostMicros)
    ) {
      this.local = { tokens: 0, costMicros: 0 };
    }
    // After a roll, a policy of the past period (the operator lagging behind) does not bring its
    // counts back; a policy that says something new (the operator caught up, a file was edited) does.
    const saysSomethingNew =
      budget.periodEnd !== previous.periodEnd ||
      budget.usedTokens !== previous.usedTokens ||
      budget.usedCostMicros !== previous.usedCostMicros ||
      budget.phase !== previous.phase ||
      budget.actions.join() !== previous.actions.join();
    this.operatorCurrent = current && (this.operatorCurrent || saysSomethingNew);
    if (this.lease && this.lease.periodEnd !== budget.periodEnd) this.lease = undefined;
    if (budget.period && JSON.stringify(budget.period) !== JSON.stringify(previous.period)) {
      const bounds = this.period(now);
      this.start = bounds.start.getTime();
      this.end = bounds.end.getTime();
    }
    this.roll(now);
  }

  /** Starts the next period when this one is over: counts and reservations from zero. */
  roll(now: number): void {
    if (now < this.end) return;
    const bounds = this.period(now);
    this.start = bounds.start.getTime();
    this.end = bounds.end.getTime();
    this.epoch = ++BudgetLedger.epochs;
    this.operatorCurrent = false;
    this.local = { tokens: 0, costMicros: 0 };
    this.reserved = { tokens: 0, costMicros: 0 };
    this.settled = 0;
    this.largestCall = 0;
    this.lease = undefined;
    this.bucket = undefined;
  }

  /** Used this period: the operator's aggregate while current, plus usage settled here. */
  used(): BudgetUse {
    const base = this.operatorCurrent
      ? { tokens: this.budget.usedTokens, costMicros: this.budget.usedCostMicros }
      : { tokens: 0, costMicros: 0 };
    const tokens = base.tokens + this.local.tokens;
    // The services' count includes every holder's reports: it sees other sidecars' usage first.
    const leased = this.lease ? leaseUsedTokens(this.lease, this.settled) : 0;
    return { tokens: Math.max(tokens, leased), costMicros: base.costMicros + this.local.costMicros };
  }

  throttle(now: number): ThrottleBucket | undefined {
    const rate = this.budget.requestsPerMinute;
    if (rate === undefined) return undefined;
    this.bucket ??= new ThrottleBucket(rate, now);
    return this.bucket;
  }
}
