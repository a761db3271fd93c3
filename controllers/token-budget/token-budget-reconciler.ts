// Reconciles one TokenBudget: usage this period from the selected agents' ledgers, phase and actions
// (E's pure functions), the Suspend action on workloads, alerts, and the status — written only when
// it changed. Requeues at the period end, when the reset restores what was suspended.
import { isDeepStrictEqual } from 'node:util';
import { emptyLedger, ledgerName } from '../../apis/ledger/ledger-name.js';
import type { TokenBudget, TokenBudgetStatus } from '../../apis/token-budget.js';
import type { ReconcileContext } from '../../operator/controller/controller-definition.js';
import { done, type ReconcileResult, requeueAfter } from '../../operator/controller/reconcile-result.js';
import type { KubeObject, ObjectKey } from '../../operator/kube/kube-object.js';
import { tokenBudgets } from '../../operator/kube/resources.js';
import { agentUsageLedgers } from '../../operator/sidecar-services/ledger-resource.js';
import { type BudgetPhaseDecision, budgetPhase } from '../budget/budget-phase.js';
import { budgetStatus } from '../budget/budget-status.js';
import { budgetUsage } from '../budget/budget-usage.js';
import { type Health, kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { applyWorkloadChanges } from '../workload-actions/apply-workload-changes.js';
import { agentNames, agentWorkloadsIn, selectedWorkloads } from '../workload-actions/selected-agents.js';
import { workloadResources } from '../workload-actions/workload-resources.js';
import { type AlertContext, sendDueAlerts } from './budget-alerts.js';
import type { BudgetMetrics } from './budget-metrics.js';
import { budgetWorkloadPlan } from './budget-workloads.js';
import { trackBudgetPeriod } from './ledger-tracking.js';
import { RESTORE_FINALIZER, releaseFinalizer, withFinalizer } from './restore-finalizer.js';

export interface BudgetReconcilerOptions {
  metrics: BudgetMetrics;
  /** Longest wait before looking again without a change; default 5 minutes. */
  maxRequeueMs: number;
  delivery?: AlertContext['delivery'];
}

/** After a conflicting write: look again soon, on the fresh view the watch brings. */
const CONFLICT_REQUEUE_MS = 250;

export async function reconcileTokenBudget(
  key: ObjectKey,
  context: ReconcileContext,
  options: BudgetReconcilerOptions,
): Promise<ReconcileResult> {
  const cached = context.cache(tokenBudgets).get(key);
  if (!cached) {
    options.metrics.forget(key);
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
  const status = budgetStatus({
    spec: budget.spec,
    ...(budget.metadata.generation !== undefined ? { generation: budget.metadata.generation } : {}),
    decision,
    usage,
    suspended: plan.held,
    ...(budget.status ? { previous: budget.status } : {}),
    ...(health ? { health } : {}),
    now,
  });
  await writeStatus(context, budget, status);
  options.metrics.observe(key, {
    tokens: usage.total.tokens,
    percent: decision.percent,
    phase: decision.phase,
  });

  if (unsettled) return requeueAfter(CONFLICT_REQUEUE_MS);
  const untilReset = decision.period.end.getTime() - now.getTime();
  return requeueAfter(Math.max(0, Math.min(untilReset, options.maxRequeueMs)));
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

/** Writes the status only when it differs from what the budget carries. */
async function writeStatus(
  context: ReconcileContext,
  budget: TokenBudget,
  status: TokenBudgetStatus,
): Promise<void> {
  if (isDeepStrictEqual(stripUndefined(budget.status), stripUndefined(status))) return;
  // The client's error names the budget and the API server's answer.
  await context.client.patchStatus(
    tokenBudgets,
    { namespace: budget.metadata.namespace ?? '', name: budget.metadata.name ?? '' },
    { type: 'json', body: [{ op: 'add', path: '/status', value: status }] },
  );
}

function stripUndefined(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
