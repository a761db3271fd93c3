// Carries out planned workload changes (controllers/token-budget/suspend-plan.ts). Each is a JSON merge
// patch that carries the resourceVersion the plan was made from, so the API server refuses it (409)
// when the workload changed since: the caller retries the reconcile on a fresh view instead of
// acting on a stale one. Every change that lands is told twice: an Event on the workload (related:
// the budget) and one on the budget.

import { workloadResources } from '../../agents/agent-workload.js';
import type { EventRecorder } from '../../runtime/events/event-recorder.js';
import { isConflict, isNotFound } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
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
    client: KubeClient;
    events: EventRecorder;
    /** The budget (or SLO) acting: `related` of the workload's Event and subject of its own. */
    actor: KubeObject;
  },
): Promise<AppliedChanges> {
  const result: AppliedChanges = { applied: [], conflicts: [], gone: [] };
  for (const change of changes) {
    const resource = workloadResources[change.kind];
    const key = { namespace: change.namespace, name: change.name };
    try {
      const updated = await options.client.patch(resource, key, {
        type: 'merge',
        body: change.patch as unknown as Record<string, unknown>,
      });
      result.applied.push(change);
      const { reason, type } = REASONS[change.action];
      const regarding = {
        ...updated,
        apiVersion: updated.apiVersion ?? apiVersionOf(change.kind),
        kind: change.kind,
      };
      options.events.record(regarding, {
        type,
        reason,
        action: change.action,
        note: change.message,
        related: options.actor,
      });
      options.events.record(options.actor, {
        type,
        reason,
        action: change.action,
        note: change.message,
        related: regarding,
      });
    } catch (err) {
      if (isConflict(err)) result.conflicts.push(change);
      else if (isNotFound(err)) result.gone.push(change);
      else throw err;
    }
  }
  return result;
}

function apiVersionOf(kind: WorkloadChange['kind']): string {
  return kind === 'Deployment' || kind === 'StatefulSet' ? 'apps/v1' : 'batch/v1';
}
