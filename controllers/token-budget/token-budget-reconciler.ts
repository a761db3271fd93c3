// Reconciles one TokenBudget: usage this period from the selected agents' ledgers, phase and actions
// (E's pure functions), the Suspend action on workloads, alerts, and the status — written only when
// it changed. Requeues at the period end, when the reset restores what was suspended.
import { isDeepStrictEqual } from 'node:util';
import { workloadResources } from '../../agents/agent-workload.js';
import { agentUsageLedgers, tokenBudgets } from '../../agents/governor-resources.js';
import { agentNames, agentWorkloadsIn, selectedWorkloads } from '../../agents/selected-agents.js';
import { emptyLedger, ledgerName } from '../../apis/ledger/ledger-name.js';
import type { TokenBudget, TokenBudgetStatus } from '../../apis/token-budget.js';
import type { ReconcileContext } from '../../runtime/controller/controller-definition.js';
import { done, type ReconcileResult, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject, ObjectKey } from '../../runtime/kube/kube-object.js';
import { type Health, kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { applyWorkloadChanges } from '../workload-actions/apply-workload-changes.js';
import { ALERTS_SENT_ANNOTATION, alertedThresholds, alertsDue } from './alert-dedup.js';
import { type AlertContext, sendDueAlerts } from './budget-alerts.js';
import type { BudgetMetrics } from './budget-metrics.js';
import { type BudgetPhaseDecision, budgetPhase, wholePercent } from './budget-phase.js';
import { budgetStatus } from './budget-status.js';
import { budgetUsage } from './budget-usage.js';
import { budgetWorkloadPlan } from './budget-workloads.js';
import { trackBudgetPeriod } from './ledger-tracking.js';
import { RESTORE_FINALIZER, releaseFinalizer, withFinalizer } from './restore-finalizer.js';
import { statusWriteWait } from './status-counters-pace.js';
import type { SuspendedWorkload } from './suspend-plan.js';

export interface BudgetReconcilerOptions {
  metrics: BudgetMetrics;
  /** Longest wait before looking again without a change; default 5 minutes. */
  maxRequeueMs: number;
  delivery?: AlertContext['delivery'];
  /** Least time between two status writes that only move counters (budget/status-counters-pace.ts). */
  countersPaceMs: number;
  /** When this process last wrote each budget's status (performance.now(), by namespace/name). */
  lastStatusWrites: Map<string, number>;
}

/** After a conflicting write: look again soon, on the fresh view the watch brings. */
const CONFLICT_REQUEUE_MS = 250;

export async function reconcileTokenBudget(
  key: ObjectKey,
  context: ReconcileContext,
  options: BudgetReconcilerOptions,
): Promise<ReconcileResult> {
  const cached = context.cache(tokenBudgets).get(key);
  const id = `${key.namespace ?? ''}/${key.name}`;
  if (!cached) {
    options.metrics.forget(key);
    options.lastStatusWrites.delete(id);
    return done;
  }
  const namespace = key.namespace ?? '';
  const all = agentWorkloadsIn(namespaceWorkloads(context, namespace), namespace);

  if (cached.metadata.deletionTimestamp) {
    if (!(cached.metadata.finalizers as string[] | undefined)?.includes(RESTORE_FINALIZER)) return done;
    const plan = budgetWorkloadPlan({
      budget: key.name,
      actions: [],
      all,
      selected: [],
      because: 'the budget was deleted',
    });
    const applied = await applyWorkloadChanges(plan.changes, {
      client: context.client,
      events: context.events,
      actor: cached,
    });
    if (applied.conflicts.length > 0) return requeueAfter(CONFLICT_REQUEUE_MS);
    await releaseFinalizer(context.client, cached);
    options.metrics.forget(key);
    return done;
  }

  const budget = await withFinalizer(context.client, cached);
  const now = context.now();
  const selected = selectedWorkloads(
    all.map((w) => w.object),
    namespace,
    budget.spec.agentSelector,
  );
  const agents = agentNames(selected);

  let decision: BudgetPhaseDecision;
  try {
    decision = budgetPhase(budget.spec, { tokens: 0, costMicros: 0 }, now);
  } catch (err) {
    // A period that cannot be computed (time zone, schedule): only a person can fix the spec.
    await writeStatus(context, budget, stalledStatus(budget, (err as Error).message, now));
    return done;
  }
  await trackBudgetPeriod({
    client: context.client,
    ledgers: context.cache(agentUsageLedgers),
    namespace,
    agents,
    period: budget.spec.period,
    now,
  });

  const ledgers = agents.map(
    (agent) =>
      context.cache(agentUsageLedgers).get({ namespace, name: ledgerName(agent) })?.spec ??
      emptyLedger(agent),
  );
  const usage = budgetUsage(budget.spec, ledgers, now);
  decision = budgetPhase(
    budget.spec,
    { tokens: usage.total.tokens, costMicros: usage.total.costMicros },
    now,
  );

  const plan = budgetWorkloadPlan({
    budget: key.name,
    actions: decision.actions,
    all,
    selected,
    because: decision.actions.includes('Suspend')
      ? `the budget is at ${Math.floor(decision.percent)} % until ${decision.period.end.toISOString()}`
      : `Suspend is no longer in force (phase ${decision.phase})`,
  });
  const statusOf = (
    suspended: readonly SuspendedWorkload[],
    previous: TokenBudgetStatus | undefined,
    health?: Health,
  ) =>
    budgetStatus({
      spec: budget.spec,
      ...(budget.metadata.generation !== undefined ? { generation: budget.metadata.generation } : {}),
      decision,
      usage,
      suspended,
      ...(previous ? { previous } : {}),
      ...(health ? { health } : {}),
      now,
    });

  // A crossing reaches the sidecars through the status (the policy compiler reads it), so it is
  // written before the slower actions — scaling workloads, alert deliveries with their retries —
  // and not after them: enforcement must follow within a second (DESIGN.md). Loosening (the reset,
  // a raised limit) is written once, after the restore: sidecars roll their period by themselves.
  let written = budget.status;
  const slowerActions =
    plan.changes.length > 0 ||
    alertsDue(
      decision.crossed,
      alertedThresholds(budget.metadata.annotations?.[ALERTS_SENT_ANNOTATION], decision.period.start),
    ).length > 0;
  if (slowerActions && tightened(budget.status, decision)) {
    written = statusOf(heldBefore(budget.status), budget.status, {
      state: 'Reconciling',
      reason: 'ApplyingActions',
      message: `${decision.phase} at ${wholePercent(decision.percent)} %: ${
        decision.actions.length > 0 ? decision.actions.join(', ') : 'no action'
      } in force; acting on workloads and alerts`,
    });
    if (await writeStatus(context, budget, written)) options.lastStatusWrites.set(id, performance.now());
  }

  const applied = await applyWorkloadChanges(plan.changes, {
    client: context.client,
    events: context.events,
    actor: budget,
  });

  await sendDueAlerts(budget, decision, usage, {
    client: context.client,
    events: context.events,
    now: context.now,
    signal: context.signal,
    ...(options.delivery ? { delivery: options.delivery } : {}),
  });

  const unsettled = applied.conflicts.length > 0;
  const health: Health | undefined = unsettled
    ? {
        state: 'Reconciling',
        reason: 'WorkloadsChanging',
        message: `${applied.conflicts.map((c) => `${c.kind} ${c.name}`).join(', ')} changed while being acted on; acting again`,
      }
    : undefined;
  const status = statusOf(plan.held, written, health);
  options.metrics.observe(key, {
    tokens: usage.total.tokens,
    percent: decision.percent,
    phase: decision.phase,
  });
  const untilReset = decision.period.end.getTime() - now.getTime();
  // Counters alone wait for the pace (the requeue writes them); a crossing is written now.
  const paced = unsettled
    ? 0
    : statusWriteWait({
        current: written,
        next: status,
        lastWriteAt: options.lastStatusWrites.get(id),
        at: performance.now(),
        paceMs: options.countersPaceMs,
      });
  if (paced > 0) return requeueAfter(Math.max(0, Math.min(untilReset, paced)));
  if (await writeStatus(context, { ...budget, ...(written ? { status: written } : {}) }, status)) {
    options.lastStatusWrites.set(id, performance.now());
  }

  if (unsettled) return requeueAfter(CONFLICT_REQUEUE_MS);
  return requeueAfter(Math.max(0, Math.min(untilReset, options.maxRequeueMs)));
}

const PHASE_RANK = { Active: 0, Warning: 1, Exhausted: 2 } as const;

/** A more severe phase, or an action in force the status does not list: sidecars must hear of it. */
function tightened(status: TokenBudgetStatus | undefined, decision: BudgetPhaseDecision): boolean {
  if (PHASE_RANK[decision.phase] > PHASE_RANK[status?.phase ?? 'Active']) return true;
  const listed = new Set(status?.activeActions ?? []);
  return decision.actions.some((action) => !listed.has(action));
}

/** The workloads the status lists as held: what is held until this reconcile's actions land. */
function heldBefore(status: TokenBudgetStatus | undefined): SuspendedWorkload[] {
  return (status?.suspendedWorkloads ?? []).map((w) => ({
    kind: w.kind,
    name: w.name,
    ...(w.previousReplicas !== undefined ? { previousReplicas: w.previousReplicas } : {}),
  }));
}

function namespaceWorkloads(context: ReconcileContext, namespace: string): KubeObject[] {
  return Object.entries(workloadResources).flatMap(([kind, resource]) =>
    context
      .cache(resource)
      .list(namespace)
      .map((object) => ({ ...object, kind })),
  );
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

/** Writes the status only when it differs from what the budget carries; true when it wrote. */
async function writeStatus(
  context: ReconcileContext,
  budget: TokenBudget,
  status: TokenBudgetStatus,
): Promise<boolean> {
  if (isDeepStrictEqual(stripUndefined(budget.status), stripUndefined(status))) return false;
  // The client's error names the budget and the API server's answer.
  await context.client.patchStatus(
    tokenBudgets,
    { namespace: budget.metadata.namespace ?? '', name: budget.metadata.name ?? '' },
    { type: 'json', body: [{ op: 'add', path: '/status', value: status }] },
  );
  return true;
}

function stripUndefined(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
