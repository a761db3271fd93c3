// The finalizer `governor.agents.dev/restore-workloads`: a budget is not gone before the workloads it
// suspended are restored. The runtime's finalizer helper (runtime/controller/finalizer.ts) adds it
// to every live budget and removes it once the reconciler's cleanup has restored them without a
// conflict; this file names the finalizer and says what that cleanup changes (pure).

import type { SelectedWorkload } from '../../agents/selected-agents.js';
import { GROUP } from '../../apis/group-version.js';
import { budgetWorkloadPlan } from './budget-workloads.js';
import type { WorkloadChange } from './suspend-plan.js';

export const RESTORE_FINALIZER = `${GROUP}/restore-workloads`;

/**
 * What the deleted budget `budget` must change before it goes: every workload of its namespace it
 * holds is let go (restored, or only unmarked when another budget still holds it).
 */
export function restoreOnDeletion(budget: string, workloads: readonly SelectedWorkload[]): WorkloadChange[] {
  return budgetWorkloadPlan({
    budget,
    actions: [],
    all: workloads,
    selected: [],
    because: 'the budget was deleted',
  }).changes;
}
