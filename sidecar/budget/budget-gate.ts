import type { EffectiveBudget, EffectivePolicy } from '../../apis/effective-policy.js';
import { BudgetPricing } from '../../apis/pricing/budget-pricing.js';
import { DEFAULT_UNPRICED_MODEL_RULE } from '../../apis/token-budget.js';
import type { TokenUsage } from '../accounting/token-usage.js';
import { BudgetLedger } from './budget-ledger.js';
import {
  type BudgetSnapshot,
  type GateRequest,
  type GateVerdict,
  type Reservation,
  refuse,
  type Simplified,
  secondsUntil,
} from './gate-verdict.js';
import { sliceRoom } from './lease-slice.js';
import { budgetPhase } from './local-phase.js';
import { type EvaluatedBudget, phaseVerdict } from './phase-verdict.js';
import { type FastBurn, fastBurn, type ReasoningLimits, reasoningLimits } from './reasoning-limits.js';
import { exceededDecision, reasoningVerdict } from './reasoning-verdict.js';
import { insufficientMessage, shedMessage, sliceSpentMessage, unpricedMessage } from './refusal-messages.js';
import { TraceCalls } from './trace-calls.js';
import { clampTo, estimatedUsage, fits, reservedOutput } from './worst-case.js';

export type {
  BudgetSnapshot,
  GateRequest,
  GateVerdict,
  Reservation,
  Simplified,
  TraceTake,
} from './gate-verdict.js';

/** Seconds a caller refused for lack of room should wait when calls in flight may free it. */
const IN_FLIGHT_RETRY_SECONDS = 2;
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

    let limits = this.limitsByUseCase.get(request.useCase);
    if (limits === undefined) {
      limits = reasoningLimits(policy, request.useCase, burn);
      if (this.limitsByUseCase.size >= MAX_REMEMBERED_USE_CASES) this.limitsByUseCase.clear();
      this.limitsByUseCase.set(request.useCase, limits);
    }
    const reasoning = reasoningVerdict(
      {
        api: request.api,
        estimatedInputTokens: request.estimatedInputTokens,
        ...(request.requestedMaxOutputTokens !== undefined
          ? { requestedMaxOutputTokens: request.requestedMaxOutputTokens }
          : {}),
        ...(request.chainDepth !== undefined ? { chainDepth: request.chainDepth } : {}),
        traceId: request.traceId,
        // A trace id the sidecar made up is new: no earlier call can have used it.
        callsInTrace: request.traceGenerated ? 0 : this.traces.count(request.traceId),
      },
      limits,
    );
    if (reasoning.kind === 'refuse') {
      return refuse(
        decisions,
        reasoning.status,
        'reasoning_budget_exceeded',
        reasoning.message,
        reasoning.param !== undefined ? { param: reasoning.param } : {},
      );
    }
    if (reasoning.kind === 'defer') {
      decisions.push('deferred', exceededDecision(reasoning.exceeded));
      return {
        kind: 'defer',
        exceeded: reasoning.exceeded,
        completionWindow: reasoning.completionWindow,
        decisions,
      };
    }
    let maxOutputTokens: number | undefined;
    let simplified: Simplified | undefined;
    if (reasoning.kind === 'simplify') {
      // The cheaper model answers within its own cap; the use case's clamp and SLO scaling are in that cap.
      simplified = { model: reasoning.model, exceeded: reasoning.exceeded };
      decisions.push(`simplified:${reasoning.model}`, exceededDecision(reasoning.exceeded));
      maxOutputTokens = reasoning.maxOutputTokens;
    } else {
      const clamp = clampTo(request, limits);
      decisions.push(...clamp.decisions);
      maxOutputTokens = clamp.maxOutputTokens;
    }
    const outputTokens = reservedOutput(
      request,
      simplified ? maxOutputTokens : (maxOutputTokens ?? limits.maxTokensPerRequest),
    );

    const evaluated: EvaluatedBudget[] = this.applicable(request.useCase).map((ledger) => {
      ledger.roll(now);
      const used = ledger.used();
      return {
        ledger,
        used,
        state: budgetPhase(ledger.budget, used, { operatorCurrent: ledger.operatorCurrent, critical }),
      };
    });

    const verdict = phaseVerdict(evaluated, critical, now, decisions);
    if (verdict.refusal) return verdict.refusal;
    const { degradeFor, buckets } = verdict;

    let model = simplified?.model ?? request.model;
    // A simplified call is already on the cheaper model: Degrade does not move it again.
    let degradeTried = simplified !== undefined;
    const degradeOnce = (budget: EffectiveBudget) => {
      if (degradeTried) return;
      degradeTried = true;
      model = this.degrade(budget, request, critical, decisions);
    };
    if (degradeFor) degradeOnce(degradeFor);
    // What the call is priced as: a degraded call asks every target for the cheaper model, else the
    // first target's own model (an Azure deployment name, say) is what is called.
    const called = () => (model !== request.model ? model : (request.targetModel ?? model));

    // A budget with a cost limit and rule Refuse does not let a call it cannot price be made. A
    // critical agent is never refused by a budget: it is degraded (to a model that may be priced),
    // and what it then calls unpriced is counted at the highest known price.
    for (const { ledger } of evaluated) {
      if (ledger.budget.limitCostMicros === undefined || ledger.pricing?.rule !== 'Refuse') continue;
      const found = ledger.pricing.of(called());
      if (found.priced) continue;
      const why = {
        reason: found.reason,
        ...(found.priceCurrency ? { priceCurrency: found.priceCurrency } : {}),
      };
      if (critical) {
        decisions.push(`critical:unpriced:${ledger.budget.name}`);
        degradeOnce(ledger.budget);
        continue;
      }
      // The refusal's usage record says why, so the operator reports it for every budget of the agent.
      return refuse(decisions, 403, 'unpriced_model', unpricedMessage(ledger.budget, called(), why), {
        budget: ledger.budget.name,
        pricing:
          why.reason === 'UnpricedModel' ? { unpriced: true } : { currency: why.priceCurrency ?? 'USD' },
      });
    }

    const usage = estimatedUsage(request.estimatedInputTokens, outputTokens);
    /** The worst case of the call under one budget: its tokens, and their cost in the budget's currency. */
    const worst = (ledger: BudgetLedger) => ({
      inputTokens: request.estimatedInputTokens,
      outputTokens,
      costMicros: ledger.pricing?.callCost(called(), usage).costMicros ?? 0,
    });
    for (const { ledger, used } of evaluated) {
      if (ledger.budget.limitTokens === undefined && ledger.budget.limitCostMicros === undefined) continue;
      const w = worst(ledger);
      const lease = ledger.lease;
      const sliceFits =
        !lease ||
        lease.failing === true ||
        sliceRoom(lease, ledger.settled, ledger.reserved.tokens) >= w.inputTokens + w.outputTokens;
      const budgetFits = fits(ledger.budget, used, ledger.reserved, w);
      if (budgetFits && sliceFits) continue;
      if (critical) {
        decisions.push(`critical:over-budget:${ledger.budget.name}`);
        degradeOnce(ledger.budget);
        continue;
      }
      const resetsAt = new Date(ledger.end).toISOString();
      if (budgetFits && lease) {
        // The budget has room, this sidecar's slice has not: a renewal is asked for now, at least this call's size.
        const tokens = w.inputTokens + w.outputTokens;
        if (tokens > ledger.largestCall) ledger.largestCall = tokens;
        this.onSliceSpent?.(ledger.budget.name);
        return refuse(
          decisions,
          429,
          'budget_insufficient',
          sliceSpentMessage(ledger.budget, lease.granted, w),
          {
            budget: ledger.budget.name,
            resetsAt,
            retryAfterSeconds: 1,
          },
        );
      }
      const fitsLater = fits(ledger.budget, used, { tokens: 0, costMicros: 0 }, w);
      return refuse(
        decisions,
        429,
        'budget_insufficient',
        insufficientMessage(ledger.budget, used, ledger.reserved, w, resetsAt),
        {
          budget: ledger.budget.name,
          resetsAt,
          retryAfterSeconds:
            fitsLater && ledger.reserved.tokens + ledger.reserved.costMicros > 0
              ? IN_FLIGHT_RETRY_SECONDS
              : secondsUntil(ledger.end, now),
        },
      );
    }

    for (const bucket of buckets) bucket.take(now);
    const holds = evaluated.map((e) => ({ ledger: e.ledger, costMicros: worst(e.ledger).costMicros }));
    const admission = this.commit(request, model, outputTokens, holds, decisions, maxOutputTokens);
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
      ledger.local.tokens += actual.usage.inputTokens + actual.usage.outputTokens;
      ledger.settled += actual.usage.inputTokens + actual.usage.outputTokens;
      const full = ledger.pricing?.callCost(actual.model, actual.usage).costMicros ?? 0;
      ledger.local.costMicros += Math.round((full * actual.percent) / 100);
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
    return [...this.ledgers.values()].map((ledger) => {
      ledger.roll(now);
      const b = ledger.budget;
      const used = ledger.used();
      const state = budgetPhase(b, used, { operatorCurrent: ledger.operatorCurrent, critical });
      const snap: BudgetSnapshot = {
        name: b.name,
        phase: state.phase,
        actions: state.actions,
        usedTokens: used.tokens,
        reservedTokens: ledger.reserved.tokens,
        usedCostMicros: used.costMicros,
        reservedCostMicros: ledger.reserved.costMicros,
        resetsAt: new Date(ledger.end).toISOString(),
      };
      if (b.limitTokens !== undefined) {
        snap.limitTokens = b.limitTokens;
        snap.remainingTokens = Math.max(0, b.limitTokens - used.tokens);
      }
      if (b.limitCostMicros !== undefined) snap.limitCostMicros = b.limitCostMicros;
      return snap;
    });
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

  /** The model to call while `budget` degrades: the budget's, else the route's cheaper model. */
  private degrade(
    budget: EffectiveBudget,
    request: GateRequest,
    critical: boolean,
    decisions: string[],
  ): string {
    const cheaper =
      budget.degradeModel ??
      request.routeDegradeModel ??
      this.policy?.routes.find((r) => r.model === request.model)?.degradeTo?.model;
    if (cheaper === undefined) {
      decisions.push(`${critical ? 'critical:no-degrade-model' : 'degrade:no-model'}:${budget.name}`);
      return request.model;
    }
    if (cheaper !== request.model) decisions.push(`degraded:${cheaper}`);
    return cheaper;
  }

  private commit(
    request: GateRequest,
    model: string,
    outputTokens: number,
    holds: readonly { ledger: BudgetLedger; costMicros: number }[],
    decisions: string[],
    maxOutputTokens?: number,
  ): GateVerdict {
    const tokens = request.estimatedInputTokens + outputTokens;
    let sliceLow: string | undefined;
    for (const { ledger, costMicros } of holds) {
      if (tokens > ledger.largestCall) ledger.largestCall = tokens;
      ledger.reserved.tokens += tokens;
      const lease = ledger.lease;
      if (
        lease &&
        !lease.failing &&
        sliceRoom(lease, ledger.settled, ledger.reserved.tokens) < lease.lowWater
      ) {
        sliceLow = ledger.budget.name;
      }
      ledger.reserved.costMicros += costMicros;
    }
    // The slice runs low: the next one is asked for now, not at the next look (budget-leases.ts).
    if (sliceLow !== undefined) this.onSliceSpent?.(sliceLow);
    const reservation: Reservation = {
      id: this.nextId++,
      traceId: request.traceId,
      model,
      tokens,
      holds: holds.map(({ ledger, costMicros }) => ({
        budget: ledger.budget.name,
        epoch: ledger.epoch,
        costMicros,
      })),
    };
    this.open.add(reservation.id);
    if (!request.traceGenerated) this.traces.add(request.traceId);
    const admission: GateVerdict = { kind: 'admit', reservation, model, decisions };
    if (maxOutputTokens !== undefined) admission.maxOutputTokens = maxOutputTokens;
    return admission;
  }

  private close(reservation: Reservation, actual: { usage: TokenUsage; model: string } | undefined): void {
    if (!this.open.delete(reservation.id)) return;
    const now = this.now();
    for (const hold of reservation.holds) {
      const ledger = this.ledgers.get(hold.budget);
      if (!ledger) continue;
      ledger.roll(now);
      // A call admitted in a past period counts there (the operator places it by its start time).
      if (ledger.epoch !== hold.epoch) continue;
      ledger.reserved.tokens = Math.max(0, ledger.reserved.tokens - reservation.tokens);
      ledger.reserved.costMicros = Math.max(0, ledger.reserved.costMicros - hold.costMicros);
      if (actual) {
        ledger.local.tokens += actual.usage.inputTokens + actual.usage.outputTokens;
        ledger.settled += actual.usage.inputTokens + actual.usage.outputTokens;
        ledger.local.costMicros += ledger.pricing?.callCost(actual.model, actual.usage).costMicros ?? 0;
      }
    }
  }
}
