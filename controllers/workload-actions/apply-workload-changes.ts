// Carries out planned workload changes (controllers/token-budget/suspend-plan.ts) through the plan
// executor, in order. Each is a JSON merge patch that carries the resourceVersion the plan was made
// from, so the API server refuses it (409) when the workload changed since: the caller retries the
// reconcile on a fresh view instead of acting on a stale one. Every change that lands is told twice:
// an Event on the workload (related: the budget) and one on the budget.

import { workloadResources } from '../../agents/agent-workload.js';
import type { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import type { WorkloadChange } from '../token-budget/suspend-plan.js';

export interface AppliedChanges {
  applied: WorkloadChange[];
  /** Changes the API server refused because the workload changed since it was read. */
  conflicts: WorkloadChange[];
  /** Workloads deleted meanwhile: nothing to do for them. */
  gone: WorkloadChange[];
}

const REASONS: Record<WorkloadChange['action'], { reason: string; type: 'Normal' | 'Warning' }> = {
  ScaleToZero: { reason: 'ScaledToZero', type: 'Warning' },
  Suspend: { reason: 'Suspended', type: 'Warning' },
  Hold: { reason: 'HeldSuspended', type: 'Normal' },
  Restore: { reason: 'Restored', type: 'Normal' },
  Resume: { reason: 'Resumed', type: 'Normal' },
  Release: { reason: 'Released', type: 'Normal' },
};

export async function applyWorkloadChanges(
  changes: readonly WorkloadChange[],
  options: {
    executor: PlanExecutor;
    /** The budget (or SLO) acting: `related` of the workload's Event and subject of its own. */
    actor: KubeObject;
  },
): Promise<AppliedChanges> {
  const patches = changes.map((change) => ({
    change,
    resource: workloadResources[change.kind],
    key: { namespace: change.namespace, name: change.name },
    patch: { type: 'merge' as const, body: change.patch as unknown as Record<string, unknown> },
  }));
  const outcomes = await options.executor.applyInOrder(patches, ({ change }, updated) => {
    const { reason, type } = REASONS[change.action];
    const regarding = {
      ...updated,
      apiVersion: updated.apiVersion ?? apiVersionOf(change.kind),
      kind: change.kind,
    };
    const event = { type, reason, action: change.action, note: change.message };
    options.executor.record([
      { regarding, event: { ...event, related: options.actor } },
      { regarding: options.actor, event: { ...event, related: regarding } },
    ]);
  });
  return {
    applied: outcomes.applied.map((p) => p.change),
    conflicts: outcomes.conflicts.map((p) => p.change),
    gone: outcomes.gone.map((p) => p.change),
  };
}

function apiVersionOf(kind: WorkloadChange['kind']): string {
  return kind === 'Deployment' || kind === 'StatefulSet' ? 'apps/v1' : 'batch/v1';
}
