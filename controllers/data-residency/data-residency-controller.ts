// The DataResidencyPolicy controller: audits every workload of the namespaces a policy applies to
// every spec.auditInterval (a requeueAfter, so the period survives leader changes: it is measured
// from status.lastAuditTime), on every spec change, and soon after the admission webhook admitted a
// workload the policy objects to (residency-audit-requests.ts: such an audit runs even when the
// interval has not passed); writes the violations into status and an Event for each violation not
// seen at the previous audit. Agent workloads come from the informer caches (with the routes the
// agent uses); the other workloads with a pod template — DaemonSets, ReplicaSets, bare Pods, and
// Deployments, StatefulSets, Jobs, CronJobs without the agent label — are listed per namespace at
// audit time (namespace-workloads.ts). Admission refuses new violations under Enforce; this audit
// records the ones Audit and Warn let in, and those that existed before the policy or slipped past
// it. An allowed region or jurisdiction no endpoint can be in (unknown-regions.ts) makes it Stalled.

import { isAgentWorkload } from '../../agents/agent-workload.js';
import { agentsInCaches, agentWorkloadKinds } from '../../agents/agent-workload-watches.js';
import { dataResidencyPolicies, fallbackRoutes } from '../../agents/governor-resources.js';
import { type PodSpecLike, referencedConfigMaps } from '../../apis/pod-destinations.js';
import type { AuditedWorkload } from '../../residency/audited-workloads.js';
import { residencyPoliciesFor } from '../../residency/residency-scope.js';
import type { ReconcileContext } from '../../runtime/controller/controller-definition.js';
import {
  type ControllerFactory,
  defineController,
  type KeySource,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done } from '../../runtime/controller/reconcile-result.js';
import { configMaps as configMapResource, namespaces } from '../../runtime/kube/resources.js';
import { AUDIT_READ_CONCURRENCY, atMostAtOnce, listAuditedWorkloads } from './namespace-workloads.js';
import { auditResidency } from './residency-audit.js';
import { auditRecord, auditSchedule, nextAudit } from './residency-audit-plan.js';
import type { ResidencyAuditRequests } from './residency-audit-requests.js';

export const DATA_RESIDENCY_CONTROLLER = 'data-residency';

export interface DataResidencyControllerOptions {
  /** Audits asked for by the admission webhook (operator/registered-controllers.ts wires both). */
  auditRequests?: ResidencyAuditRequests;
}

/** The controller, with the channel admission asks for audits through when given. */
export function dataResidencyControllerWith(options: DataResidencyControllerOptions = {}): ControllerFactory {
  const requests = options.auditRequests;
  return (environment) =>
    defineController({
      name: DATA_RESIDENCY_CONTROLLER,
      ...(requests ? { sources: [requests as KeySource] } : {}),
      watches: [
        watch({ resource: dataResidencyPolicies }),
        // Read at audit time only: the audit is periodic, so these changes queue nothing.
        ...agentWorkloadKinds.map(({ resource }) =>
          watch({ resource, filter: isAgentWorkload, mapToKeys: () => [] }),
        ),
        watch({ resource: namespaces, mapToKeys: () => [] }),
        watch({ resource: fallbackRoutes, mapToKeys: () => [] }),
      ],
      async reconcile(key, context) {
        const policy = context.cache(dataResidencyPolicies).get(key);
        if (!policy || policy.metadata?.deletionTimestamp) {
          requests?.forget(key.name);
          return done;
        }
        const now = context.now();
        const schedule = auditSchedule({
          policy,
          now,
          requestedIn: requests?.dueIn(key.name, now.getTime()),
        });
        if (schedule.kind !== 'audit') return schedule.result;

        const scope = { operatorNamespace: environment.namespace };
        const applies = (namespace: string) =>
          residencyPoliciesFor(
            namespace,
            context.cache(namespaces).get(namespace)?.metadata?.labels,
            [policy],
            scope,
          ).length > 0;
        const selected = context
          .cache(namespaces)
          .list()
          .map((namespace) => namespace.metadata?.name ?? '')
          .filter((name) => name !== '' && applies(name));
        const agents = [...agentsInCaches(context.cache).values()].filter((a) => applies(a.namespace));
        const others = await listAuditedWorkloads(context.client, selected);
        const configMaps = await configMapsOf([...agents.flatMap((a) => a.workloads), ...others], context);
        const result = auditResidency({
          policy,
          agents,
          workloads: others,
          configMaps: (namespace) => configMaps.get(namespace) ?? {},
          routes: (namespace) => context.cache(fallbackRoutes).list(namespace),
          isClusterNamespace: (name) => context.cache(namespaces).get(name) !== undefined,
        });

        const record = auditRecord({
          policy,
          result,
          agents: agents.length,
          namespaces: selected.length,
          now,
        });
        const executor = new PlanExecutor(context);
        await executor.writeStatus({
          resource: dataResidencyPolicies,
          key,
          current: policy.status,
          next: record.status,
          patch: 'merge',
        });
        // Requests settled before this audit started are covered (a failed audit covers none).
        requests?.audited(key.name, now.getTime());
        executor.record(record.events);
        if (record.fresh > 0) {
          context.log.info(
            { violations: result.violationCount, new: record.fresh },
            `residency audit of ${key.name}`,
          );
        }
        // An admission made while this audit ran is not covered by it: its audit comes next.
        return nextAudit(schedule.intervalMs, requests?.dueIn(key.name, context.now().getTime()));
      },
    });
}

/** Without admission's channel: audits every spec.auditInterval and on spec changes. */
export const dataResidencyController: ControllerFactory = dataResidencyControllerWith();

/**
 * The ConfigMaps the workloads' pod templates read env from, fetched once per audit, a few at once
 * (not cached: few are needed).
 */
async function configMapsOf(
  workloads: readonly AuditedWorkload[],
  context: ReconcileContext,
): Promise<Map<string, Record<string, Record<string, string> | undefined>>> {
  const wanted = new Map<string, Set<string>>();
  for (const workload of workloads) {
    const names = wanted.get(workload.namespace) ?? new Set<string>();
    wanted.set(workload.namespace, names);
    for (const name of referencedConfigMaps(workload.template.spec as PodSpecLike | undefined))
      names.add(name);
  }
  const refs = [...wanted].flatMap(([namespace, names]) => [...names].map((name) => ({ namespace, name })));
  const data = await atMostAtOnce(
    AUDIT_READ_CONCURRENCY,
    refs.map((ref) => async () => (await context.client.get(configMapResource, ref))?.data ?? undefined),
  );
  const result = new Map<string, Record<string, Record<string, string> | undefined>>();
  for (const namespace of wanted.keys()) result.set(namespace, {});
  refs.forEach((ref, i) => {
    (result.get(ref.namespace) as Record<string, Record<string, string> | undefined>)[ref.name] = data[i];
  });
  return result;
}
