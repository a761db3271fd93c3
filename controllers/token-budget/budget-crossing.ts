// When a budget's crossing is published before the actions it causes (pure;
// docs/adr/0020-publish-crossing-before-acting.md). Sidecars hear of a phase through the status (the
// policy compiler reads it), so a crossing that tightens enforcement is written before the slower
// actions — scaling workloads, alert deliveries with their retries — and not after them:
// enforcement must follow within a second. Loosening (the reset, a raised limit) is written once,
// after the restore: sidecars roll their period by themselves, and a status saying "Active" while
// workloads are still at zero would tell a person the wrong story.
import type { TokenBudgetStatus } from '../../apis/token-budget.js';
import { type BudgetPhaseDecision, wholePercent } from './budget-phase.js';
import { type BudgetStatusInput, budgetStatus } from './budget-status.js';
import type { SuspendedWorkload } from './suspend-plan.js';

const PHASE_RANK = { Active: 0, Warning: 1, Exhausted: 2 } as const;

/**
 * The status to publish before acting — phase, usage and actions, `Reconciling` (ApplyingActions),
 * listing the workloads held before this reconcile — or undefined when nothing needs publishing
 * first: enforcement does not tighten, or there is nothing slower to do.
 */
export function crossingToPublish(input: {
  status: Omit<BudgetStatusInput, 'suspended' | 'previous' | 'health'>;
  /** The status the budget carries. */
  carried: TokenBudgetStatus | undefined;
  /** Workload changes or alerts are due. */
  slowerActions: boolean;
}): TokenBudgetStatus | undefined {
  const { decision } = input.status;
  if (!input.slowerActions || !tightened(input.carried, decision)) return undefined;
  return budgetStatus({
    ...input.status,
    suspended: heldBefore(input.carried),
    ...(input.carried ? { previous: input.carried } : {}),
    health: {
      state: 'Reconciling',
      reason: 'ApplyingActions',
      message: `${decision.phase} at ${wholePercent(decision.percent)} %: ${
        decision.actions.length > 0 ? decision.actions.join(', ') : 'no action'
      } in force; acting on workloads and alerts`,
    },
  });
}

/** A more severe phase, or an action in force the status does not list: sidecars must hear of it. */
export function tightened(status: TokenBudgetStatus | undefined, decision: BudgetPhaseDecision): boolean {
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
