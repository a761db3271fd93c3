import type { EffectiveBudget, EffectivePolicy } from '../../apis/effective-policy.js';
import { costMicros } from '../accounting/cost.js';
import type { TokenUsage } from '../accounting/token-usage.js';
import { BudgetLedger } from './budget-ledger.js';
import {
  type BudgetSnapshot,
  type GateRequest,
  type GateVerdict,
  type Refusal,
  type Reservation,
  refuse,
  secondsUntil,
} from './gate-verdict.js';
import { type BudgetUse, budgetPhase } from './local-phase.js';
import { type EvaluatedBudget, phaseVerdict } from './phase-verdict.js';
import { type FastBurn, fastBurn, type ReasoningLimits, reasoningLimits } from './reasoning-limits.js';
import {
  callsPerTraceMessage,
  chainDepthMessage,
  insufficientMessage,
  shedMessage,
} from './refusal-messages.js';
import { TraceCalls } from './trace-calls.js';
import { clampTo, estimatedUsage, fits, reservedOutput, type WorstCase } from './worst-case.js';

export type { BudgetSnapshot, GateRequest, GateVerdict, Reservation } from './gate-verdict.js';

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

  setPolicy(policy: EffectivePolicy): void {
    this.policy = policy;
    this.burn = fastBurn(policy);
    this.limitsByUseCase.clear();
    this.ledgersByUseCase.clear();
    const now = this.now();
    const names = new Set<string>();
    for (const budget of policy.budgets) {
      names.add(budget.name);
      const ledger = this.ledgers.get(budget.name);
      if (ledger) ledger.update(budget, now);
      else this.ledgers.set(budget.name, new BudgetLedger(budget, now));
    }
    for (const name of [...this.ledgers.keys()]) if (!names.has(name)) this.ledgers.delete(name);
  }

  admit(request: GateRequest): GateVerdict {
    tokenCount('estimatedInputTokens', request.estimatedInputTokens);
    tokenCount('worstCaseOutputTokens', request.worstCaseOutputTokens);
    const policy = this.policy;
    const decisions: string[] = [];
    if (!policy) return this.commit(request, request.model, request.worstCaseOutputTokens, 0, [], decisions);
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
    const reasoning = this.checkReasoning(request, limits, decisions);
    if (reasoning) return reasoning;
    const clamp = clampTo(request, limits);
    decisions.push(...clamp.decisions);
    const maxOutputTokens = clamp.maxOutputTokens;
    const outputTokens = reservedOutput(request, maxOutputTokens ?? limits.maxTokensPerRequest);

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

    let model = request.model;
    let degradeTried = false;
    const degradeOnce = (budget: EffectiveBudget) => {
      if (degradeTried) return;
      degradeTried = true;
      model = this.degrade(budget, request, critical, decisions);
    };
    // Priced once per model (the model changes only when a budget degrades the call).
    let priced: { model: string; worst: WorstCase } | undefined;
    const worst = (m: string): WorstCase => {
      if (priced?.model !== m) {
        const usage = estimatedUsage(request.estimatedInputTokens, outputTokens);
        priced = {
          model: m,
          worst: {
            inputTokens: request.estimatedInputTokens,
            outputTokens,
            costMicros: costMicros(m, usage, policy.pricing),
          },
        };
      }
      return priced.worst;
    };
    if (degradeFor) degradeOnce(degradeFor);
    for (const { ledger, used } of evaluated) {
      if (ledger.budget.limitTokens === undefined && ledger.budget.limitCostMicros === undefined) continue;
      const w = worst(model);
      if (fits(ledger.budget, used, ledger.reserved, w)) continue;
      if (critical) {
        decisions.push(`critical:over-budget:${ledger.budget.name}`);
        degradeOnce(ledger.budget);
        continue;
      }
      const resetsAt = new Date(ledger.end).toISOString();
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
    const w = worst(model);
    const ledgers = evaluated.map((e) => e.ledger);
    return this.commit(request, model, outputTokens, w.costMicros, ledgers, decisions, maxOutputTokens);
  }

  settle(reservation: Reservation, actual: { usage: TokenUsage; costMicros: number }): void {
    this.close(reservation, {
      tokens: actual.usage.inputTokens + actual.usage.outputTokens,
      costMicros: actual.costMicros,
    });
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

  private checkReasoning(
    request: GateRequest,
    limits: ReasoningLimits,
    decisions: string[],
  ): Refusal | undefined {
    const depth = request.chainDepth ?? 0;
    if (limits.maxChainDepth !== undefined && depth > limits.maxChainDepth) {
      return refuse(decisions, 429, 'reasoning_budget_exceeded', chainDepthMessage(depth, limits), {});
    }
    // A trace id the sidecar made up is new: no earlier call can have used it.
    const calls = request.traceGenerated ? 0 : this.traces.count(request.traceId);
    if (limits.maxCallsPerTrace !== undefined && calls >= limits.maxCallsPerTrace) {
      return refuse(
        decisions,
        429,
        'reasoning_budget_exceeded',
        callsPerTraceMessage(request.traceId, calls, limits),
        {},
      );
    }
    return undefined;
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
    worstCost: number,
    ledgers: BudgetLedger[],
    decisions: string[],
    maxOutputTokens?: number,
  ): GateVerdict {
    const tokens = request.estimatedInputTokens + outputTokens;
    for (const ledger of ledgers) {
      ledger.reserved.tokens += tokens;
      ledger.reserved.costMicros += worstCost;
    }
    const reservation: Reservation = {
      id: this.nextId++,
      traceId: request.traceId,
      model,
      tokens,
      costMicros: worstCost,
      holds: ledgers.map((l) => ({ budget: l.budget.name, epoch: l.epoch })),
    };
    this.open.add(reservation.id);
    if (!request.traceGenerated) this.traces.add(request.traceId);
    const admission: GateVerdict = { kind: 'admit', reservation, model, decisions };
    if (maxOutputTokens !== undefined) admission.maxOutputTokens = maxOutputTokens;
    return admission;
  }

  private close(reservation: Reservation, actual: BudgetUse | undefined): void {
    if (!this.open.delete(reservation.id)) return;
    const now = this.now();
    for (const hold of reservation.holds) {
      const ledger = this.ledgers.get(hold.budget);
      if (!ledger) continue;
      ledger.roll(now);
      // A call admitted in a past period counts there (the operator places it by its start time).
      if (ledger.epoch !== hold.epoch) continue;
      ledger.reserved.tokens = Math.max(0, ledger.reserved.tokens - reservation.tokens);
      ledger.reserved.costMicros = Math.max(0, ledger.reserved.costMicros - reservation.costMicros);
      if (actual) {
        ledger.local.tokens += actual.tokens;
        ledger.local.costMicros += actual.costMicros;
      }
    }
  }
}
