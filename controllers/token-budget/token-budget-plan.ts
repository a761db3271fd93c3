// What one TokenBudget reconcile does, decided from what the cache holds and the clock alone (pure):
// usage this period from the selected agents' ledgers → phase, percent, actions → the workload plan
// → the alerts due (on usage and on the end-of-period forecast) → the status. The effects come out as ordered steps that the reconciler carries
// out (token-budget-reconciler.ts) and the status as the last of them, settled once the steps ran
// (`settleTokenBudget`): whether a workload changed under us decides its health, and the pace decides
// whether it is written now. Two ordering rules live here, each as a step:
// - a crossing that tightens enforcement is published before the slower actions
//   (docs/adr/0020-publish-crossing-before-acting.md): the `publish-crossing` step;
// - a status that only moves counters waits for the pace, anything else is written at once
//   (docs/adr/0028-budget-status-counters-paced.md): `settleTokenBudget`.
// Every line of usage is costed in the budget's currency with the cluster's declared prices and
// rates; what cannot be priced is counted by the budget's rule, reported in status and, when a model
// first shows up, in an Event: the `record-events` step (docs/adr/0039-declared-model-catalog.md).
import type { SelectedWorkload } from '../../agents/selected-agents.js';
import { agentNames, selectedWorkloads } from '../../agents/selected-agents.js';
import { hourlyTokens } from '../../apis/ledger/hourly-usage.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import type { EffectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import type { TokenBudget, TokenBudgetStatus } from '../../apis/token-budget.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import type { PlannedEvent } from '../../runtime/controller/plan-executor.js';
import { done, type ReconcileResult, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import { type Health, kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { ALERTS_SENT_ANNOTATION, alertedThresholds, alertsDue } from './alert-dedup.js';
import { crossingToPublish } from './budget-crossing.js';
import { type BudgetForecast, budgetForecast } from './budget-forecast.js';
import { type BudgetPhase, type BudgetPhaseDecision, budgetPhase } from './budget-phase.js';
import { pricingEvents } from './budget-pricing-status.js';
import { type BudgetStatusInput, budgetStatus } from './budget-status.js';
import { type BudgetUsage, budgetPricing, budgetUsage, type UnpricedUsage } from './budget-usage.js';
import { budgetWorkloadPlan } from './budget-workloads.js';
import { forecastAlertDue } from './forecast-alert.js';
import { type PeriodRegistration, periodRegistrations } from './ledger-tracking.js';
import { statusWriteWait } from './status-counters-pace.js';
import type { SuspendedWorkload, WorkloadChange } from './suspend-plan.js';

/** What the plan is made from: the cache's view of one budget, and the clock. */
export interface TokenBudgetView {
  /** The budget, carrying the restore finalizer. */
  budget: TokenBudget;
  /** Every agent workload of the budget's namespace. */
  workloads: readonly SelectedWorkload[];
  /** An agent's usage ledger as cached, if it has one. */
  ledger: (agent: string) => AgentUsageLedger | undefined;
  /** The cluster's ModelCatalogs merged as of now; absent: the built-in prices only. */
  catalog?: Pick<EffectiveCatalog, 'prices' | 'exchangeRates'>;
  now: Date;
}

/** One effect of a reconcile, carried out in the order the plan lists them. */
export type TokenBudgetStep =
  /** The budget's period in the ledgers of agents that do not track it yet. */
  | { step: 'register-period'; registrations: PeriodRegistration[] }
  /** The crossing, with `Reconciling`, before anything slower (ADR 0020). */
  | { step: 'publish-crossing'; status: TokenBudgetStatus }
  /** Suspend or restore agent workloads (suspend-plan.ts), one after another. */
  | { step: 'apply-workloads'; changes: WorkloadChange[] }
  /** Alerts of the thresholds reached and not alerted this period, as the cache tells. */
  | { step: 'send-alerts'; thresholds: number[] }
  /** The forecast reached spec.forecast.alertPercent and was not alerted this period. */
  | { step: 'send-forecast-alert'; forecast: BudgetForecast }
  /** Events to record: a model the budget cannot price, the first time it shows up. */
  | { step: 'record-events'; events: PlannedEvent[] };

export type TokenBudgetPlan = StalledBudget | EnforcedBudget;

/** A period that cannot be computed (time zone, schedule): only a person can fix the spec. */
export interface StalledBudget {
  kind: 'stalled';
  /** Written (when it differs), and nothing else is done. */
  status: TokenBudgetStatus;
  result: ReconcileResult;
}

export interface EnforcedBudget {
  kind: 'enforce';
  steps: TokenBudgetStep[];
  decision: BudgetPhaseDecision;
  usage: BudgetUsage;
  /** What the final status is made of, but the workloads it lists, its health and its predecessor. */
  status: Omit<BudgetStatusInput, 'suspended' | 'previous' | 'health'>;
  /** The workloads held once the workload changes landed. */
  held: SuspendedWorkload[];
  /** The status the budget carries once the steps ran: the published crossing, or the one it had. */
  carried: TokenBudgetStatus | undefined;
  gauges: {
    tokens: number;
    percent: number;
    phase: BudgetPhase;
    unpriced: readonly UnpricedUsage[];
    forecastPercent?: number | undefined;
  };
}

export function planTokenBudget(view: TokenBudgetView): TokenBudgetPlan {
  const { budget, now } = view;
  const namespace = budget.metadata.namespace ?? '';
  const generation = budget.metadata.generation;
  try {
    budgetPhase(budget.spec, { tokens: 0, costMicros: 0 }, now);
  } catch (err) {
    return { kind: 'stalled', status: stalledStatus(budget, (err as Error).message, now), result: done };
  }
  const selected = selectedWorkloads(
    view.workloads.map((w) => w.object),
    namespace,
    budget.spec.agentSelector,
  );
  const agents = agentNames(selected);
  const registrations = periodRegistrations({
    ledger: view.ledger,
    namespace,
    agents,
    period: budget.spec.period,
    now,
  });
  // Usage as the cache holds it: a registration just planned counts from the next reconcile on.
  const ledgers = agents.map((agent) => view.ledger(agent)?.spec ?? emptyLedger(agent));
  const pricing = budgetPricing(budget.spec, view.catalog);
  const usage = budgetUsage(budget.spec, ledgers, now, pricing);
  const decision = budgetPhase(
    budget.spec,
    { tokens: usage.total.tokens, costMicros: usage.total.costMicros },
    now,
  );
  const forecast = budgetForecast({
    percent: decision.percent,
    tokens: usage.total.tokens,
    costMicros: usage.total.costMicros,
    period: decision.period,
    trackedSince: usage.trackedSince,
    now,
    hourly: hourlyTokens(ledgers, budget.spec.useCases),
  });
  const workloads = budgetWorkloadPlan({
    budget: budget.metadata.name ?? '',
    actions: decision.actions,
    all: view.workloads,
    selected,
    because: decision.actions.includes('Suspend')
      ? `the budget is at ${Math.floor(decision.percent)} % until ${decision.period.end.toISOString()}`
      : `Suspend is no longer in force (phase ${decision.phase})`,
  });
  const alerts = alertsDue(
    decision.crossed,
    alertedThresholds(budget.metadata.annotations?.[ALERTS_SENT_ANNOTATION], decision.period.start),
  );
  const status = {
    spec: budget.spec,
    ...(generation !== undefined ? { generation } : {}),
    decision,
    usage,
    pricing,
    forecast,
    now,
  };

  const steps: TokenBudgetStep[] = [];
  if (registrations.length > 0) steps.push({ step: 'register-period', registrations });
  const crossing = crossingToPublish({
    status,
    carried: budget.status,
    slowerActions: workloads.changes.length > 0 || alerts.length > 0,
  });
  if (crossing) steps.push({ step: 'publish-crossing', status: crossing });
  if (workloads.changes.length > 0) steps.push({ step: 'apply-workloads', changes: workloads.changes });
  if (alerts.length > 0) steps.push({ step: 'send-alerts', thresholds: alerts });
  if (forecast && forecastAlertDue(budget, forecast, decision.period.start)) {
    steps.push({ step: 'send-forecast-alert', forecast });
  }
  const events = pricingEvents(
    budget,
    { spec: budget.spec, pricing, unpriced: usage.unpriced ?? [] },
    budget.status,
  );
  if (events.length > 0) steps.push({ step: 'record-events', events });
  return {
    kind: 'enforce',
    steps,
    decision,
    usage,
    status,
    held: workloads.held,
    carried: crossing ?? budget.status,
    gauges: {
      tokens: usage.total.tokens,
      percent: decision.percent,
      phase: decision.phase,
      unpriced: budget.spec.limits.cost !== undefined ? (usage.unpriced ?? []) : [],
      forecastPercent: forecast?.percent,
    },
  };
}

/** What happened while the steps ran, and when (one monotonic clock, in ms). */
export interface StepsOutcome {
  /** Workload changes refused because the workload changed since it was read. */
  conflicts: readonly WorkloadChange[];
  /** When this process last wrote the budget's status; undefined when it has not (a new leader). */
  lastWriteAt: number | undefined;
  at: number;
}

export interface StatusPacing {
  /** Least time between two status writes that only move counters. */
  countersPaceMs: number;
  /** Longest wait before looking again without a change. */
  maxRequeueMs: number;
}

/** The final status: written now, or — counters only — left for the requeue the pace asks for. */
export type SettledStatus =
  | { write: TokenBudgetStatus; result: ReconcileResult }
  | { pacedMs: number; result: ReconcileResult };

/** After a conflicting write: look again soon, on the fresh view the watch brings. */
export const CONFLICT_REQUEUE_MS = 250;

export function settleTokenBudget(
  plan: EnforcedBudget,
  outcome: StepsOutcome,
  pacing: StatusPacing,
): SettledStatus {
  const unsettled = outcome.conflicts.length > 0;
  const health: Health | undefined = unsettled
    ? {
        state: 'Reconciling',
        reason: 'WorkloadsChanging',
        message: `${outcome.conflicts.map((c) => `${c.kind} ${c.name}`).join(', ')} changed while being acted on; acting again`,
      }
    : undefined;
  const status = budgetStatus({
    ...plan.status,
    suspended: plan.held,
    ...(plan.carried ? { previous: plan.carried } : {}),
    ...(health ? { health } : {}),
  });
  if (unsettled) return { write: status, result: requeueAfter(CONFLICT_REQUEUE_MS) };
  const untilReset = plan.decision.period.end.getTime() - plan.status.now.getTime();
  // Counters alone wait for the pace (the requeue writes them); a crossing is written now.
  const pacedMs = statusWriteWait({
    current: plan.carried,
    next: status,
    lastWriteAt: outcome.lastWriteAt,
    at: outcome.at,
    paceMs: pacing.countersPaceMs,
  });
  if (pacedMs > 0) return { pacedMs, result: requeueAfter(Math.max(0, Math.min(untilReset, pacedMs))) };
  return { write: status, result: requeueAfter(Math.max(0, Math.min(untilReset, pacing.maxRequeueMs))) };
}

function stalledStatus(budget: TokenBudget, message: string, now: Date): TokenBudgetStatus {
  const health: Health = { state: 'Stalled', reason: 'InvalidPeriod', message: `spec.period: ${message}` };
  return {
    ...budget.status,
    conditions: nextConditions(
      budget.status?.conditions,
      kstatusConditions(health),
      budget.metadata.generation,
      now,
    ),
    ...(budget.metadata.generation !== undefined ? { observedGeneration: budget.metadata.generation } : {}),
  };
}
