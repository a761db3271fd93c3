// The residency scope controller: keeps the label governor.agents.dev/residency on every namespace
// equal to what the live DataResidencyPolicies say (`enforce`, `observe` or none), so that the
// residency webhook that fails closed is called only for namespaces under an Enforce policy — with
// the operator stopped, every other namespace admits its workloads. One key for the whole cluster:
// any policy or namespace change plans all namespaces again (a few hundred label comparisons).
// Plans with residency-scope-plan.ts, then patches and records an Event per change
// (docs/adr/0037-admission-scope-follows-the-policies.md).
import { Gauge, type Registry } from 'prom-client';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import {
  RESIDENCY_ENFORCE,
  RESIDENCY_LABEL,
  RESIDENCY_OBSERVE,
} from '../../residency/residency-namespace-label.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { residencyScopePlan } from './residency-scope-plan.js';

export const RESIDENCY_SCOPE_CONTROLLER = 'residency-scope';
/** The one key: the cluster's namespaces are labelled together. */
export const RESIDENCY_SCOPE_KEY = { name: 'namespaces' };

export const residencyScopeController: ControllerFactory = (environment) => {
  const scope = { operatorNamespace: environment.namespace };
  const labelled = namespacesGauge(environment.registry);
  const everything = () => [RESIDENCY_SCOPE_KEY];
  return defineController({
    name: RESIDENCY_SCOPE_CONTROLLER,
    watches: [
      watch({ resource: dataResidencyPolicies, mapToKeys: everything }),
      watch({ resource: namespaces, mapToKeys: everything }),
    ],
    async reconcile(_key, context) {
      const all = context.cache(namespaces).list();
      const changes = residencyScopePlan(all, context.cache(dataResidencyPolicies).list(), scope);
      const executor = new PlanExecutor(context);
      const outcome = await executor.applyInOrder(changes, (change) =>
        context.log.info(
          { namespace: change.namespace, from: change.from, to: change.to },
          `${RESIDENCY_LABEL} of namespace ${change.namespace}: ${change.to ?? 'removed'}`,
        ),
      );
      executor.record(outcome.applied.map((change) => change.event));
      // The labels as they are now: those the cache holds, with what this pass changed.
      const now = new Map(all.map((n) => [n.metadata?.name ?? '', n.metadata?.labels?.[RESIDENCY_LABEL]]));
      for (const change of outcome.applied) now.set(change.namespace, change.to ?? undefined);
      for (const value of [RESIDENCY_ENFORCE, RESIDENCY_OBSERVE]) {
        labelled.set({ label: value }, [...now.values()].filter((v) => v === value).length);
      }
      // A namespace changed since the cache showed it: its watch event queues the key again, and
      // this look-again covers an event that came before the conflict.
      return outcome.conflicts.length > 0 ? requeueAfter(200) : done;
    },
  });
};

function namespacesGauge(registry: Registry): Gauge<'label'> {
  const name = 'governor_operator_residency_namespaces';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<'label'>;
  return new Gauge({
    name,
    help: `Namespaces by the ${RESIDENCY_LABEL} label the operator keeps: enforce (the residency webhook fails closed there), observe (Warn or Audit policies only).`,
    labelNames: ['label'],
    registers: [registry],
  });
}
