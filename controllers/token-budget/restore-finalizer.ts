// The finalizer `governor.agents.dev/restore-workloads`: a budget is not gone before the workloads it
// suspended are restored. Added and removed with JSON patches that `test` the finalizer list first,
// so a concurrent edit of the list fails (409 / 422) instead of being overwritten.

import { tokenBudgets } from '../../agents/governor-resources.js';
import { GROUP } from '../../apis/group-version.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';

export const RESTORE_FINALIZER = `${GROUP}/restore-workloads`;

function keyOfBudget(budget: TokenBudget) {
  return { namespace: budget.metadata.namespace ?? '', name: budget.metadata.name ?? '' };
}

/** The budget carrying the finalizer (added when missing). */
export async function withFinalizer(client: KubeClient, budget: TokenBudget): Promise<TokenBudget> {
  const finalizers = budget.metadata.finalizers as string[] | undefined;
  if (finalizers?.includes(RESTORE_FINALIZER)) return budget;
  const body = finalizers
    ? [
        { op: 'test' as const, path: '/metadata/finalizers', value: finalizers },
        { op: 'add' as const, path: '/metadata/finalizers/-', value: RESTORE_FINALIZER },
      ]
    : [
        { op: 'test' as const, path: '/metadata/resourceVersion', value: budget.metadata.resourceVersion },
        { op: 'add' as const, path: '/metadata/finalizers', value: [RESTORE_FINALIZER] },
      ];
  try {
    return await client.patch(tokenBudgets, keyOfBudget(budget), { type: 'json', body });
  } catch (err) {
    // The cached budget may be older than our own earlier write of the finalizer.
    const stored = await client.get(tokenBudgets, keyOfBudget(budget));
    if ((stored?.metadata.finalizers as string[] | undefined)?.includes(RESTORE_FINALIZER))
      return stored as TokenBudget;
    throw err;
  }
}

/** Removes the finalizer once the budget's workloads are restored; the API server then deletes it. */
export async function releaseFinalizer(client: KubeClient, budget: TokenBudget): Promise<void> {
  const finalizers = (budget.metadata.finalizers as string[] | undefined) ?? [];
  const index = finalizers.indexOf(RESTORE_FINALIZER);
  if (index < 0) return;
  await client.patch(tokenBudgets, keyOfBudget(budget), {
    type: 'json',
    body: [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: RESTORE_FINALIZER },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ],
  });
}
