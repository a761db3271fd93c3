import type { AgentWorkload, WorkloadKind } from '../../agents/agent-workload.js';
import { GROUP } from '../../apis/group-version.js';

/** Replicas of a Deployment / StatefulSet before a budget scaled it to zero. */
export const SUSPENDED_REPLICAS_ANNOTATION = `${GROUP}/suspended-replicas`;
/** Budgets (names, comma-separated) holding a workload suspended; it resumes when the last lets go. */
export const SUSPENDED_BY_ANNOTATION = `${GROUP}/suspended-by`;

export type WorkloadAction = 'ScaleToZero' | 'Suspend' | 'Restore' | 'Resume' | 'Hold' | 'Release';

/** A JSON merge patch (`application/merge-patch+json`); `null` removes an annotation. */
export interface WorkloadPatch {
  metadata: { resourceVersion?: string; annotations: Record<string, string | null> };
  spec?: { replicas?: number; suspend?: boolean };
}

/** One change to one workload, and the sentence its Kubernetes Event carries. */
export interface WorkloadChange {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  action: WorkloadAction;
  /**
   * Carries `metadata.resourceVersion` when known, so the API server refuses it (409) if the workload
   * changed since it was read: re-read and plan again, never act twice on a stale view.
   */
  patch: WorkloadPatch;
  message: string;
}

/** A workload a budget holds suspended, as `status.suspendedWorkloads` lists it. */
export interface SuspendedWorkload {
  kind: WorkloadKind;
  name: string;
  previousReplicas?: number;
}

export interface SuspensionPlan {
  changes: WorkloadChange[];
  /** Workloads the budget holds suspended once the changes are applied. */
  held: SuspendedWorkload[];
}

export interface PlanOptions {
  /** Why, appended to every Event message, e.g. "the budget is exhausted". */
  because?: string;
}

/**
 * What to do so that budget `budget` holds every non-critical agent workload of `workloads`
 * suspended: Deployments / StatefulSets scaled to 0 with their replicas kept in
 * SUSPENDED_REPLICAS_ANNOTATION, Jobs / CronJobs `spec.suspend: true`, each marked in
 * SUSPENDED_BY_ANNOTATION. Idempotent: a workload already held and at rest gets no change; one
 * scaled up again while held is scaled to 0 again, keeping its new count. Never touches a critical
 * agent, and lets go of one that became critical while held. A Job / CronJob a person suspended
 * (suspended, not marked) is left alone, so a restore never resumes what the budget did not stop.
 */
export function suspendPlan(
  workloads: readonly AgentWorkload[],
  budget: string,
  options: PlanOptions = {},
): SuspensionPlan {
  const changes: WorkloadChange[] = [];
  const held: SuspendedWorkload[] = [];
  for (const w of workloads) {
    const holders = holdersOf(w);
    if (w.critical) {
      if (holders.includes(budget)) changes.push(release(w, holders, budget, options));
      continue;
    }
    const others = holders.filter((h) => h !== budget);
    const nextHolders = [...others, budget].sort().join(',');
    const annotations: Record<string, string | null> = {};
    if (nextHolders !== holders.join(',')) annotations[SUSPENDED_BY_ANNOTATION] = nextHolders;
    if (w.kind === 'Deployment' || w.kind === 'StatefulSet') {
      const replicas = w.replicas ?? 1;
      const kept = keptReplicas(w);
      if (holders.length === 0 && replicas === 0) continue; // nothing runs: nothing to suspend
      if (replicas > 0) {
        annotations[SUSPENDED_REPLICAS_ANNOTATION] = String(replicas);
        changes.push(
          change(w, 'ScaleToZero', annotations, { replicas: 0 }, options, {
            text:
              `Scaled ${w.kind} ${w.name} from ${replicas} to 0 replicas for TokenBudget ${budget}; ` +
              `${replicas} kept in ${SUSPENDED_REPLICAS_ANNOTATION}`,
          }),
        );
        held.push({ kind: w.kind, name: w.name, previousReplicas: replicas });
        continue;
      }
      if (Object.keys(annotations).length > 0) {
        changes.push(hold(w, annotations, others, budget, options));
      }
      held.push({ kind: w.kind, name: w.name, ...(kept !== undefined ? { previousReplicas: kept } : {}) });
      continue;
    }
    if (holders.length === 0 && w.suspend) continue; // suspended by a person: not ours
    if (!w.suspend) {
      changes.push(
        change(w, 'Suspend', annotations, { suspend: true }, options, {
          text: `Suspended ${w.kind} ${w.name} (spec.suspend=true) for TokenBudget ${budget}`,
        }),
      );
    } else if (Object.keys(annotations).length > 0) {
      changes.push(hold(w, annotations, others, budget, options));
    }
    held.push({ kind: w.kind, name: w.name });
  }
  return { changes, held };
}

/**
 * What to do so that budget `budget` holds nothing suspended any more (at the reset, after the limit
 * was raised, or when the budget is deleted): each workload it holds gets back exactly the replicas
 * kept in SUSPENDED_REPLICAS_ANNOTATION, or `spec.suspend: false`, unless another budget still holds
 * it (then only the mark changes). A Deployment someone scaled up by hand meanwhile keeps its count.
 * Workloads the budget does not hold, critical agents among them, are never touched.
 */
export function restorePlan(
  workloads: readonly AgentWorkload[],
  budget: string,
  options: PlanOptions = {},
): SuspensionPlan {
  const changes = workloads
    .filter((w) => holdersOf(w).includes(budget))
    .map((w) => release(w, holdersOf(w), budget, options));
  return { changes, held: [] };
}

function release(w: AgentWorkload, holders: string[], budget: string, options: PlanOptions): WorkloadChange {
  const others = holders.filter((h) => h !== budget);
  if (others.length > 0) {
    return change(w, 'Release', { [SUSPENDED_BY_ANNOTATION]: others.join(',') }, undefined, options, {
      text: `TokenBudget ${budget} released ${w.kind} ${w.name}; it stays suspended by ${others.join(', ')}`,
    });
  }
  const annotations = { [SUSPENDED_BY_ANNOTATION]: null, [SUSPENDED_REPLICAS_ANNOTATION]: null };
  if (w.kind === 'Deployment' || w.kind === 'StatefulSet') {
    const kept = keptReplicas(w);
    const replicas = w.replicas ?? 1;
    if (replicas > 0) {
      return change(w, 'Restore', annotations, undefined, options, {
        text: `${w.kind} ${w.name} released by TokenBudget ${budget}; it already runs ${replicas} replicas, left as is`,
      });
    }
    if (kept === undefined) {
      return change(w, 'Restore', annotations, undefined, options, {
        text:
          `${w.kind} ${w.name} released by TokenBudget ${budget}, but ${SUSPENDED_REPLICAS_ANNOTATION} is missing ` +
          'or not a whole number, so its replicas stay at 0; scale it by hand',
      });
    }
    return change(w, 'Restore', annotations, { replicas: kept }, options, {
      text: `Restored ${w.kind} ${w.name} to ${kept} replicas (TokenBudget ${budget} released it)`,
    });
  }
  return change(w, 'Resume', { [SUSPENDED_BY_ANNOTATION]: null }, { suspend: false }, options, {
    text: `Resumed ${w.kind} ${w.name} (spec.suspend=false; TokenBudget ${budget} released it)`,
  });
}

function hold(
  w: AgentWorkload,
  annotations: Record<string, string | null>,
  others: string[],
  budget: string,
  options: PlanOptions,
): WorkloadChange {
  return change(w, 'Hold', annotations, undefined, options, {
    text:
      `TokenBudget ${budget} holds ${w.kind} ${w.name} suspended` +
      (others.length > 0 ? ` (already suspended by ${others.join(', ')})` : ''),
  });
}

function change(
  w: AgentWorkload,
  action: WorkloadAction,
  annotations: Record<string, string | null>,
  spec: WorkloadPatch['spec'],
  options: PlanOptions,
  message: { text: string },
): WorkloadChange {
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    action,
    patch: {
      metadata: { ...(w.resourceVersion ? { resourceVersion: w.resourceVersion } : {}), annotations },
      ...(spec ? { spec } : {}),
    },
    message: options.because ? `${message.text}: ${options.because}.` : `${message.text}.`,
  };
}

/** Budgets holding the workload, sorted, from SUSPENDED_BY_ANNOTATION. */
export function holdersOf(w: Pick<AgentWorkload, 'annotations'>): string[] {
  const value = w.annotations[SUSPENDED_BY_ANNOTATION] ?? '';
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}

function keptReplicas(w: AgentWorkload): number | undefined {
  const value = w.annotations[SUSPENDED_REPLICAS_ANNOTATION];
  if (value === undefined || !/^[0-9]{1,9}$/.test(value)) return undefined;
  return Number(value);
}
