import type { Condition } from '../../apis/condition.js';

/** A condition as a reconciler decides it; the transition time is filled in by `nextConditions`. */
export interface ConditionDecision {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * The conditions to write: exactly `decided`, in order, each stamped with `generation`. A condition
 * whose status did not change keeps its `lastTransitionTime`, so watchers see real transitions only.
 * Conditions not decided this time (a `Stalled` that no longer applies) are removed, which kstatus
 * reads the same as `False`.
 */
export function nextConditions(
  previous: readonly Condition[] | undefined,
  decided: readonly ConditionDecision[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  return decided.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    return {
      type: c.type,
      status: c.status,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime:
        before && before.status === c.status ? before.lastTransitionTime : now.toISOString(),
      reason: c.reason,
      message: c.message,
    };
  });
}

/** What a reconcile concluded, in kstatus terms. */
export type Health =
  | { state: 'Ready'; reason: string; message: string }
  | { state: 'Reconciling'; reason: string; message: string }
  | { state: 'Stalled'; reason: string; message: string };

/**
 * The kstatus conditions for a health verdict: `Ready=True` when done (kstatus: Current);
 * `Reconciling=True` plus `Ready=False` while work is in flight (InProgress); `Stalled=True` plus
 * `Ready=False` when it cannot progress without a change from a person (Failed).
 */
export function kstatusConditions(health: Health): ConditionDecision[] {
  const { reason, message } = health;
  switch (health.state) {
    case 'Ready':
      return [{ type: 'Ready', status: 'True', reason, message }];
    case 'Reconciling':
      return [
        { type: 'Ready', status: 'False', reason, message },
        { type: 'Reconciling', status: 'True', reason, message },
      ];
    case 'Stalled':
      return [
        { type: 'Ready', status: 'False', reason, message },
        { type: 'Stalled', status: 'True', reason, message },
      ];
  }
}
