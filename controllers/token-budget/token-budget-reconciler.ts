// Reconciles one TokenBudget: reads the cache, makes the plan (token-budget-plan.ts, pure) and carries
// it out step by step through the plan executor; deletion goes through the restore finalizer. The
// only decisions left here are about effects: which client, which clock, what to remember.
import { workloadResources } from '../../agents/agent-workload.js';
import { agentUsageLedgers, modelCatalogs, tokenBudgets } from '../../agents/governor-resources.js';
import { apiServerLedgers, type LedgerDocumentsChoice } from '../../agents/ledger-documents.js';
import { agentWorkloadsIn, type SelectedWorkload } from '../../agents/selected-agents.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import type { EffectiveCatalogMemo } from '../../apis/pricing/effective-catalog.js';
import type { TokenBudget, TokenBudgetStatus } from '../../apis/token-budget.js';
import type { ReconcileContext } from '../../runtime/controller/controller-definition.js';
import { finalizer } from '../../runtime/controller/finalizer.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, type ReconcileResult, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject, ObjectKey } from '../../runtime/kube/kube-object.js';
import { applyWorkloadChanges } from '../workload-actions/apply-workload-changes.js';
import { type AlertContext, sendDueAlerts } from './budget-alerts.js';
import type { BudgetMetrics } from './budget-metrics.js';
import { sendForecastAlert } from './forecast-alert.js';
import { registerPeriods } from './ledger-tracking.js';
import { RESTORE_FINALIZER, restoreOnDeletion } from './restore-finalizer.js';
import type { WorkloadChange } from './suspend-plan.js';
import { CONFLICT_REQUEUE_MS, planTokenBudget, settleTokenBudget } from './token-budget-plan.js';

export interface BudgetReconcilerOptions {
  metrics: BudgetMetrics;
  /** Longest wait before looking again without a change; default 5 minutes. */
  maxRequeueMs: number;
  delivery?: AlertContext['delivery'];
  /** Least time between two status writes that only move counters (status-counters-pace.ts). */
  countersPaceMs: number;
  /** When this process last wrote each budget's status (`monotonic()`, by namespace/name). */
  lastStatusWrites: Map<string, number>;
  /** The clock of `lastStatusWrites`; default performance.now (immune to wall-clock steps). */
  monotonic?: () => number;
  /** The cluster's ModelCatalogs, merged once for every budget; absent: the built-in prices only. */
  catalogs?: EffectiveCatalogMemo;
  /** Where the ledgers are kept (period registration); default the API server through the context's client. */
  ledgers?: LedgerDocumentsChoice;
}

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
  const workloads = agentWorkloadsIn(namespaceWorkloads(context, namespace), namespace);
  const executor = new PlanExecutor(context);
  return finalizer({ client: context.client, resource: tokenBudgets, name: RESTORE_FINALIZER }, cached, {
    apply: (budget) => enforce(budget, workloads, context, executor, options),
    async cleanup(budget) {
      const applied = await applyWorkloadChanges(restoreOnDeletion(key.name, workloads), {
        executor,
        actor: budget,
      });
      if (applied.conflicts.length > 0) return requeueAfter(CONFLICT_REQUEUE_MS);
      options.metrics.forget(key);
      return done;
    },
  });
}

async function enforce(
  budget: TokenBudget,
  workloads: readonly SelectedWorkload[],
  context: ReconcileContext,
  executor: PlanExecutor,
  options: BudgetReconcilerOptions,
): Promise<ReconcileResult> {
  const namespace = budget.metadata.namespace ?? '';
  const key = { namespace, name: budget.metadata.name ?? '' };
  const id = `${namespace}/${key.name}`;
  const monotonic = options.monotonic ?? (() => performance.now());
  const now = context.now();
  const plan = planTokenBudget({
    budget,
    workloads,
    ledger: (agent) => context.cache(agentUsageLedgers).get({ namespace, name: ledgerName(agent) }),
    ...(options.catalogs ? { catalog: options.catalogs.of(context.cache(modelCatalogs).list(), now) } : {}),
    now,
  });
  const writeStatus = (current: TokenBudgetStatus | undefined, next: TokenBudgetStatus) =>
    executor.writeStatus({ resource: tokenBudgets, key, current, next });

  if (plan.kind === 'stalled') {
    await writeStatus(budget.status, plan.status);
    return plan.result;
  }
  let conflicts: WorkloadChange[] = [];
  for (const step of plan.steps) {
    switch (step.step) {
      case 'register-period':
        await registerPeriods(
          options.ledgers?.of(context.client) ?? apiServerLedgers(context.client),
          step.registrations,
        );
        break;
      case 'publish-crossing':
        if (await writeStatus(budget.status, step.status)) options.lastStatusWrites.set(id, monotonic());
        break;
      case 'apply-workloads':
        conflicts = (await applyWorkloadChanges(step.changes, { executor, actor: budget })).conflicts;
        break;
      case 'send-alerts':
        await sendDueAlerts(budget, plan.decision, plan.usage, alertContext(context, options));
        break;
      case 'send-forecast-alert':
        await sendForecastAlert(
          budget,
          plan.decision,
          plan.usage,
          step.forecast,
          alertContext(context, options),
        );
        break;
      case 'record-events':
        executor.record(step.events);
        break;
    }
  }
  options.metrics.observe(key, plan.gauges);
  const settled = settleTokenBudget(
    plan,
    { conflicts, lastWriteAt: options.lastStatusWrites.get(id), at: monotonic() },
    options,
  );
  if ('write' in settled && (await writeStatus(plan.carried, settled.write))) {
    options.lastStatusWrites.set(id, monotonic());
  }
  return settled.result;
}

function alertContext(context: ReconcileContext, options: BudgetReconcilerOptions): AlertContext {
  return {
    client: context.client,
    events: context.events,
    now: context.now,
    signal: context.signal,
    ...(options.delivery ? { delivery: options.delivery } : {}),
  };
}

function namespaceWorkloads(context: ReconcileContext, namespace: string): KubeObject[] {
  return Object.entries(workloadResources).flatMap(([kind, resource]) =>
    context
      .cache(resource)
      .list(namespace)
      .map((object) => ({ ...object, kind })),
  );
}
