import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { BudgetPricing } from '../../apis/pricing/budget-pricing.js';
import { DEFAULT_UNPRICED_MODEL_RULE } from '../../apis/token-budget.js';
import type { TokenUsage } from '../accounting/token-usage.js';
import { BudgetLedger } from './budget-ledger.js';
import {
  type BudgetInQuestion,
  budgetWithoutRoom,
  roomRefusal,
  unpricedRefusal,
  worstCost,
} from './budget-room.js';
import { budgetSnapshot } from './budget-snapshot.js';
import {
  type BudgetSnapshot,
  type GateRequest,
  type GateVerdict,
  type Reservation,
  refuse,
} from './gate-verdict.js';
import {
  countUsage,
  holdInLedgers,
  type LedgerHold,
  releaseFromLedgers,
  reservationOf,
} from './ledger-holds.js';
import { budgetPhase } from './local-phase.js';
import { ModelChoice } from './model-choice.js';
import { outputAllowance } from './output-allowance.js';
import { type EvaluatedBudget, phaseVerdict } from './phase-verdict.js';
import { type FastBurn, fastBurn, type ReasoningLimits, reasoningLimits } from './reasoning-limits.js';
import { shedMessage } from './refusal-messages.js';
import { TraceCalls } from './trace-calls.js';
import { estimatedUsage } from './worst-case.js';

/** A budget that applies to a call being admitted: its use, phase and the call's worst-case cost under it. */
type Evaluated = EvaluatedBudget & BudgetInQuestion;

export type {
  BudgetSnapshot,
  GateRequest,
  GateVerdict,
  Reservation,
  Simplified,
  TraceTake,
} from './gate-verdict.js';

/** Use cases whose applicable budgets are remembered between policy changes. */
const MAX_REMEMBERED_USE_CASES = 1_000;

function tokenCount(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`BudgetGate.admit: ${field} must be a non-negative number of tokens, got ${value}`);
  }
}

/**
 * Decides, before a call is forwarded, whether the agent may make it and how: budget phases and
 * their actions (Degrade, Throttle, Exhausted → 429, critical agents degraded instead), the worst-case
 * reservation that keeps concurrent calls from overshooting a limit, the reasoning budget (clamp,
 * calls per trace, chain depth) and the SLO fast-burn actions (LowerReasoningBudget, ShedNonCritical).
 *
 * Guarantee: for a non-critical agent, used + reserved never exceeds a limit through this sidecar,
 * as long as each call's actual usage stays within its reservation (see README for the bound with
 * several sidecars). A critical agent is never refused by a budget: it is degraded instead, and keeps
 * its model (decision `critical:no-degrade-model:<budget>`) when no cheaper model is configured.
 */
export class BudgetGate {
  private policy: EffectivePolicy | undefined;
  private readonly ledgers = new Map<string, BudgetLedger>();
  private readonly open = new Set<number>();
  private nextId = 1;
  private readonly traces: TraceCalls;
  private readonly now: () => number;
  /**
   * What a policy says the same way for every call, worked out once per policy (and use case) rather
   * than per call: the SLO fast-burn actions, the reasoning limits and the budgets that apply.
   */
  private burn: FastBurn = {};
  private readonly limitsByUseCase = new Map<string | undefined, ReasoningLimits>();
  private readonly ledgersByUseCase = new Map<string | undefined, BudgetLedger[]>();

  constructor(options: { now?: () => number; maxTraces?: number; traceTtlMs?: number } = {}) {
    this.now = options.now ?? Date.now;
    this.traces = new TraceCalls({
      ...(options.maxTraces === undefined ? {} : { maxTraces: options.maxTraces }),
      ...(options.traceTtlMs === undefined ? {} : { ttlMs: options.traceTtlMs }),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Called when this sidecar's slice of `budget` runs low or a call is refused for want of it (budget-leases.ts renews). */
  onSliceSpent: ((budget: string) => void) | undefined;

  /**
   * Resolves true when the slice renewal in flight has been answered, false at once when none is in
   * flight or after `maxWaitMs` (budget-leases.ts sets it): a call refused for want of slice waits
   * for the renewal it asked for, then is admitted again, rather than a 429 while the budget has room.
   */
  sliceRenewal: ((maxWaitMs: number) => Promise<boolean>) | undefined;

  /** The ledgers of budgets with a token limit: what leases are held for (budget-leases.ts). */
  leasable(): BudgetLedger[] {
    const now = this.now();
    const ledgers: BudgetLedger[] = [];
    for (const ledger of this.ledgers.values()) {
      ledger.roll(now);
      if (ledger.budget.limitTokens !== undefined) ledgers.push(ledger);
    }
    return ledgers;
  }

  setPolicy(policy: EffectivePolicy): void {
    this.policy = policy;
    this.burn = fastBurn(policy);
    this.limitsByUseCase.clear();
    this.ledgersByUseCase.clear();
    const now = this.now();
    const names = new Set<string>();
    for (const budget of policy.budgets) {
      names.add(budget.name);
      let ledger = this.ledgers.get(budget.name);
      if (ledger) ledger.update(budget, now);
      else {
        ledger = new BudgetLedger(budget, now);
        this.ledgers.set(budget.name, ledger);
      }
      // Every budget counts in its own currency; prices and rates come with each policy.
      ledger.pricing = new BudgetPricing({
        currency: budget.currency,
        rule: budget.unpricedModels ?? DEFAULT_UNPRICED_MODEL_RULE,
        declared: policy.pricing,
        rates: policy.exchangeRates ?? [],
      });
    }
    for (const name of [...this.ledgers.keys()]) if (!names.has(name)) this.ledgers.delete(name);
  }

  admit(request: GateRequest): GateVerdict {
    tokenCount('estimatedInputTokens', request.estimatedInputTokens);
    tokenCount('worstCaseOutputTokens', request.worstCaseOutputTokens);
    const policy = this.policy;
    const decisions: string[] = [];
    if (!policy) return this.commit(request, request.model, request.worstCaseOutputTokens, [], decisions);
    const now = this.now();
    const critical = policy.agent.critical;
    const burn = this.burn;
    if (burn.shedBy !== undefined && !critical) {
      return refuse(decisions, 503, 'shed_non_critical', shedMessage(burn.shedBy, policy.agent), {
        retryAfterSeconds: 30,
      });
    }
    const limits = this.limitsFor(request.useCase);
    // A trace id the sidecar made up is new: no earlier call can have used it.
    const callsInTrace = request.traceGenerated ? 0 : this.traces.count(request.traceId);
    const output = outputAllowance(request, limits, callsInTrace, decisions);
    if (output.kind !== 'allow') return output;
    const { simplified, outputTokens } = output;

    const budgets = this.evaluate(request.useCase, now, critical);
    const phases = phaseVerdict(budgets, critical, now, decisions);
    if (phases.refusal) return phases.refusal;
    const choice = new ModelChoice(request, simplified?.model, policy.routes, critical, decisions);
    if (phases.degradeFor) choice.degrade(phases.degradeFor);
    const unpriced = unpricedRefusal(budgets, choice, critical, decisions);
    if (unpriced) return unpriced;
    const short = budgetWithoutRoom(
      budgets,
      request.estimatedInputTokens,
      outputTokens,
      choice,
      critical,
      decisions,
    );
    if (short) {
      const { entry, room, worst } = short;
      if (room === 'slice') {
        // This sidecar's slice is short: a renewal is asked for now, at least this call's size.
        const tokens = worst.inputTokens + worst.outputTokens;
        if (tokens > entry.ledger.largestCall) entry.ledger.largestCall = tokens;
        this.onSliceSpent?.(entry.ledger.budget.name);
      }
      return roomRefusal(room, entry.ledger, entry.used, worst, now, decisions);
    }

    for (const bucket of phases.buckets) bucket.take(now);
    // Each budget holds the call's worst case priced as the model finally chosen.
    const usage = estimatedUsage(request.estimatedInputTokens, outputTokens);
    for (const entry of budgets) worstCost(entry, choice, usage);
    const admission = this.commit(
      request,
      choice.model,
      outputTokens,
      budgets,
      decisions,
      output.maxOutputTokens,
    );
    if (simplified && admission.kind === 'admit') admission.simplified = simplified;
    // A call already past the trace's limit here needs no count across pods: it is simplified anyway.
    const pastTraceLimit = simplified?.exceeded.limit === 'maxCallsPerTrace';
    if (
      limits.maxCallsPerTrace !== undefined &&
      !request.traceGenerated &&
      !pastTraceLimit &&
      admission.kind === 'admit'
    ) {
      admission.trace = {
        traceId: request.traceId,
        limit: limits.maxCallsPerTrace,
        seen: this.traces.count(request.traceId) - 1,
        ...(limits.useCase !== undefined ? { useCase: limits.useCase } : {}),
      };
    }
    return admission;
  }

  /** The reasoning limits of a use case, worked out once per policy. */
  private limitsFor(useCase: string | undefined): ReasoningLimits {
    let limits = this.limitsByUseCase.get(useCase);
    if (limits === undefined) {
      limits = reasoningLimits(this.policy!, useCase, this.burn);
      if (this.limitsByUseCase.size >= MAX_REMEMBERED_USE_CASES) this.limitsByUseCase.clear();
      this.limitsByUseCase.set(useCase, limits);
    }
    return limits;
  }

  /** The budgets that count a call of `useCase`, each rolled to `now`, with its use and phase. */
  private evaluate(useCase: string | undefined, now: number, critical: boolean): Evaluated[] {
    const ledgers = this.applicable(useCase);
    const evaluated: Evaluated[] = [];
    for (const ledger of ledgers) {
      ledger.roll(now);
      const used = ledger.used();
      const state = budgetPhase(ledger.budget, used, { operatorCurrent: ledger.operatorCurrent, critical });
      evaluated.push({ ledger, used, state, costMicros: 0, pricedAs: undefined });
    }
    return evaluated;
  }

  /**
   * What the operator counted for a trace across the agent's pods: this sidecar's count is raised to
   * it, so later calls of a trace over its limit are refused here without asking again, and an
   * operator outage falls back to the best count known.
   */
  noteTraceCalls(traceId: string, calls: number): void {
    this.traces.raise(traceId, calls);
  }

  /**
   * Counts a deferred call's usage when its batch result is delivered: in every budget that applies
   * to its use case, at `percent` of the model's price (the batch discount). No reservation held it.
   */
  countDeferred(actual: { usage: TokenUsage; model: string; useCase?: string; percent: number }): void {
    const now = this.now();
    for (const ledger of this.applicable(actual.useCase)) {
      ledger.roll(now);
      const full = ledger.pricing?.callCost(actual.model, actual.usage).costMicros ?? 0;
      countUsage(ledger, actual.usage, Math.round((full * actual.percent) / 100));
    }
  }

  /** Replaces the reservation with what the call used: `model` is the model that answered, priced per budget. */
  settle(reservation: Reservation, actual: { usage: TokenUsage; model: string }): void {
    this.close(reservation, actual);
  }

  release(reservation: Reservation): void {
    this.close(reservation, undefined);
  }

  snapshot(): BudgetSnapshot[] {
    const now = this.now();
    const critical = this.policy?.agent.critical ?? false;
    const snapshots: BudgetSnapshot[] = [];
    for (const ledger of this.ledgers.values()) {
      ledger.roll(now);
      snapshots.push(budgetSnapshot(ledger, critical));
    }
    return snapshots;
  }

  /** The ledgers of the budgets that count a call of `useCase` (the set changes only with the policy). */
  private applicable(useCase: string | undefined): BudgetLedger[] {
    let ledgers = this.ledgersByUseCase.get(useCase);
    if (ledgers === undefined) {
      ledgers = [...this.ledgers.values()].filter(
        (l) =>
          l.budget.useCases.length === 0 || (useCase !== undefined && l.budget.useCases.includes(useCase)),
      );
      // Use cases come from a request header: remember a bounded number of them.
      if (this.ledgersByUseCase.size >= MAX_REMEMBERED_USE_CASES) this.ledgersByUseCase.clear();
      this.ledgersByUseCase.set(useCase, ledgers);
    }
    return ledgers;
  }

  private commit(
    request: GateRequest,
    model: string,
    outputTokens: number,
    holds: readonly LedgerHold[],
    decisions: string[],
    maxOutputTokens?: number,
  ): GateVerdict {
    const tokens = request.estimatedInputTokens + outputTokens;
    const sliceLow = holdInLedgers(holds, tokens);
    // The slice runs low: the next one is asked for now, not at the next look (budget-leases.ts).
    if (sliceLow !== undefined) this.onSliceSpent?.(sliceLow);
    const reservation = reservationOf(this.nextId++, request.traceId, model, tokens, holds);
    this.open.add(reservation.id);
    if (!request.traceGenerated) this.traces.add(request.traceId);
    const admission: GateVerdict = { kind: 'admit', reservation, model, decisions };
    if (maxOutputTokens !== undefined) admission.maxOutputTokens = maxOutputTokens;
    return admission;
  }

  private close(reservation: Reservation, actual: { usage: TokenUsage; model: string } | undefined): void {
    if (this.open.delete(reservation.id)) releaseFromLedgers(this.ledgers, reservation, actual, this.now());
  }
}
