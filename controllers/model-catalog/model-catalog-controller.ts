// The ModelCatalog controller: reports, per catalog, what it contributes to the cluster's prices and
// what it disagrees with (model-catalog-plan.ts decides it). It changes nothing else: the policy
// compiler and the TokenBudget controller read the catalogs themselves. A catalog change can shadow
// or release entries of another, so every catalog is looked at again.
import { modelCatalogs } from '../../agents/governor-resources.js';
import { EffectiveCatalogMemo } from '../../apis/pricing/effective-catalog.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done } from '../../runtime/controller/reconcile-result.js';
import { planModelCatalog } from './model-catalog-plan.js';

export const MODEL_CATALOG_CONTROLLER = 'model-catalog';

export const modelCatalogController: ControllerFactory = () => {
  const merged = new EffectiveCatalogMemo();
  return defineController({
    name: MODEL_CATALOG_CONTROLLER,
    watches: [
      watch({
        resource: modelCatalogs,
        mapToKeys: (changed, cache) => {
          const names = new Set([
            changed.metadata.name ?? '',
            ...cache(modelCatalogs)
              .list()
              .map((c) => c.metadata.name ?? ''),
          ]);
          return [...names].map((name) => ({ name }));
        },
      }),
    ],
    async reconcile(key, context) {
      const catalog = context.cache(modelCatalogs).get(key);
      if (!catalog) return done;
      const now = context.now();
      const plan = planModelCatalog(catalog, merged.of(context.cache(modelCatalogs).list(), now), now);
      const executor = new PlanExecutor(context);
      await executor.writeStatus({
        resource: modelCatalogs,
        key,
        current: catalog.status,
        next: plan.status,
      });
      executor.record(plan.events);
      return plan.result;
    },
  });
};
