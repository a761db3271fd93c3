// What the budget's Suspend action means for the agent workloads of its namespace right now, as one
// plan: while Suspend is in force, hold every selected non-critical workload suspended; otherwise
// (Active / Warning, after the reset, after the limit was raised) let go of all of them. Workloads
// the budget no longer selects (a label or selector edit) are let go too.

import type { SelectedWorkload } from '../../agents/selected-agents.js';
import type { BudgetAction } from './budget-phase.js';
import { restorePlan, type SuspensionPlan, suspendPlan } from './suspend-plan.js';

export function budgetWorkloadPlan(input: {
  budget: string;
  actions: readonly BudgetAction[];
  /** Every agent workload of the namespace. */
  all: readonly SelectedWorkload[];
  /** Those the budget selects. */
  selected: readonly SelectedWorkload[];
  because: string;
}): SuspensionPlan {
  const options = { because: input.because };
  if (!input.actions.includes('Suspend')) {
    return restorePlan(
      input.all.map((w) => w.workload),
      input.budget,
      options,
    );
  }
  const selected = new Set(input.selected.map((w) => `${w.workload.kind}/${w.workload.name}`));
  const suspend = suspendPlan(
    input.selected.map((w) => w.workload),
    input.budget,
    options,
  );
  const release = restorePlan(
    input.all.filter((w) => !selected.has(`${w.workload.kind}/${w.workload.name}`)).map((w) => w.workload),
    input.budget,
    { because: 'the budget no longer selects it' },
  );
  return { changes: [...suspend.changes, ...release.changes], held: suspend.held };
}
