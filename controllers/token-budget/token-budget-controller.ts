// The TokenBudget controller as a plug-in of the operator runtime. It watches budgets, the agent
// workloads (a budget selects them by pod-template labels) and the usage ledgers: usage ingest
// writes a ledger for every recorded batch, and that write's watch event requeues the budgets that
// select its agent at once — after the cache holds the new counts (docs/adr/0008-budgets-and-slos-requeue-on-ledger-watch.md).
// A ModelCatalog change requeues the budgets with a cost limit: prices and rates are what they count
// money with (docs/adr/0039-declared-model-catalog.md).

import { modelCatalogs, tokenBudgets } from '../../agents/governor-resources.js';
import type { LedgerDocumentsChoice } from '../../agents/ledger-documents.js';
import { selectedAgentWatches } from '../../agents/selected-agent-watches.js';
import { EffectiveCatalogMemo } from '../../apis/pricing/effective-catalog.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { done } from '../../runtime/controller/reconcile-result.js';
import { isNotFound } from '../../runtime/kube/api-error.js';
import type { AlertContext } from './budget-alerts.js';
import { budgetMetrics } from './budget-metrics.js';
import { DEFAULT_COUNTERS_PACE_MS } from './status-counters-pace.js';
import { reconcileTokenBudget } from './token-budget-reconciler.js';

export interface TokenBudgetControllerOptions {
  /** Longest wait before looking again without a change; default 5 minutes. */
  maxRequeueMs?: number;
  /** Alert webhook delivery tuning. */
  delivery?: AlertContext['delivery'];
  /**
   * Budgets reconciled at once; default 16. A reconcile mostly waits for the API server, and a
   * crossing queued behind every budget a burst of usage touched would reach sidecars late.
   */
  concurrency?: number;
  /** Least time between two status writes that only move usage counters; default 3 s. */
  countersPaceMs?: number;
  /** Where the ledgers the budget registers its period in are kept; default the API server. */
  ledgers?: LedgerDocumentsChoice;
}

export function tokenBudgetController(options: TokenBudgetControllerOptions = {}): ControllerFactory {
  return (environment) => {
    const metrics = budgetMetrics(environment.registry);
    const lastStatusWrites = new Map<string, number>();
    const catalogs = new EffectiveCatalogMemo();
    return defineController({
      name: 'token-budget',
      concurrency: options.concurrency ?? 16,
      watches: [
        watch({ resource: tokenBudgets }),
        ...selectedAgentWatches(tokenBudgets),
        watch({
          resource: modelCatalogs,
          mapToKeys: (_catalog, cache) =>
            cache(tokenBudgets)
              .list()
              .filter((b) => b.spec.limits.cost !== undefined)
              .map((b) => ({ namespace: b.metadata.namespace ?? '', name: b.metadata.name ?? '' })),
        }),
      ],
      async reconcile(key, context) {
        try {
          return await reconcileTokenBudget(key, context, {
            metrics,
            maxRequeueMs: options.maxRequeueMs ?? 300_000,
            countersPaceMs: options.countersPaceMs ?? DEFAULT_COUNTERS_PACE_MS,
            lastStatusWrites,
            catalogs,
            ...(options.ledgers ? { ledgers: options.ledgers } : {}),
            ...(options.delivery ? { delivery: options.delivery } : {}),
          });
        } catch (err) {
          // Read from a cache one event behind: the budget was deleted meanwhile; nothing to do.
          if (isNotFound(err) && !(await context.client.get(tokenBudgets, key))) return done;
          throw err;
        }
      },
    });
  };
}
