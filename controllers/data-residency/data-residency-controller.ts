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
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { parseDuration } from '../../apis/duration.js';
import { type PodSpecLike, referencedConfigMaps } from '../../apis/pod-destinations.js';
import type { AuditedWorkload } from '../../residency/audited-workloads.js';
import {
  ALIAS_SLICES_SELECTOR,
  mayBeServiceAlias,
  serviceLookupOf,
} from '../../residency/cluster-service-aliases.js';
import { residencyPoliciesFor } from '../../residency/residency-scope.js';
import { unknownRegionsProblem } from '../../residency/unknown-regions.js';
import type { ReconcileContext } from '../../runtime/controller/controller-definition.js';
import {
  type ControllerFactory,
  defineController,
  type KeySource,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { done, requeueAfter, terminal } from '../../runtime/controller/reconcile-result.js';
import {
  configMaps as configMapResource,
  endpointSlices,
  namespaces,
  services,
} from '../../runtime/kube/resources.js';
import { type Health, kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { AUDIT_READ_CONCURRENCY, atMostAtOnce, listAuditedWorkloads } from './namespace-workloads.js';
import { auditResidency, violationKey } from './residency-audit.js';
import type { ResidencyAuditRequests } from './residency-audit-requests.js';

export const DATA_RESIDENCY_CONTROLLER = 'data-residency';
/** Events for new violations per audit; the rest are in status. */
const MAX_EVENTS_PER_AUDIT = 20;

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
        // Services standing for external hosts (the admission view's informers too).
        watch({ resource: services, filter: mayBeServiceAlias, mapToKeys: () => [] }),
        watch({ resource: endpointSlices, labelSelector: ALIAS_SLICES_SELECTOR, mapToKeys: () => [] }),
      ],
      async reconcile(key, context) {
        const policy = context.cache(dataResidencyPolicies).get(key);
        if (!policy || policy.metadata?.deletionTimestamp) {
          requests?.forget(key.name);
          return done;
        }
        const interval = parseDuration(policy.spec.auditInterval);
        if (!Number.isFinite(interval) || interval <= 0) {
          return terminal(
            `DataResidencyPolicy ${key.name}: spec.auditInterval must be a duration such as 10m, got ${JSON.stringify(policy.spec.auditInterval)}`,
          );
        }
        const now = context.now();
        const generation = policy.metadata?.generation;
        const last = policy.status?.lastAuditTime ? Date.parse(policy.status.lastAuditTime) : Number.NaN;
        const current = generation === undefined || policy.status?.observedGeneration === generation;
        // 0: admission asked for an audit and it is due now; more: it will be due then.
        const requested = requests?.dueIn(key.name, now.getTime());
        const recent =
          current && Number.isFinite(last) && now.getTime() - last < interval && now.getTime() >= last;
        if (recent && requested !== 0) {
          return requeueAfter(Math.min(interval - (now.getTime() - last), requested ?? interval));
        }

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
          services: serviceLookupOf({
            service: (namespace, name) => context.cache(services).get({ namespace, name }),
            slices: (namespace) => context.cache(endpointSlices).list(namespace),
          }),
        });

        const audited =
          `audited ${result.workloads} workload(s) (${agents.length} agent(s)) in ${selected.length} namespace(s): ` +
          `${result.violationCount} violation(s)`;
        // An allowed region nothing can be placed in needs a person (a typo): Stalled, still audited.
        const problem = unknownRegionsProblem(policy.spec);
        const health: Health = problem
          ? { state: 'Stalled', reason: 'UnknownRegion', message: `${problem}; ${audited}` }
          : { state: 'Ready', reason: 'Audited', message: audited };
        const status = {
          violations: result.violations,
          violationCount: result.violationCount,
          lastAuditTime: now.toISOString(),
          conditions: nextConditions(policy.status?.conditions, kstatusConditions(health), generation, now),
          ...(generation !== undefined ? { observedGeneration: generation } : {}),
        };
        await context.client.patchStatus<DataResidencyPolicy>(dataResidencyPolicies, key, {
          type: 'merge',
          body: { status },
        });
        // Requests settled before this audit started are covered (a failed audit covers none).
        requests?.audited(key.name, now.getTime());

        const before = new Set((policy.status?.violations ?? []).map(violationKey));
        const fresh = result.all.filter((v) => !before.has(violationKey(v)));
        for (const violation of fresh.slice(0, MAX_EVENTS_PER_AUDIT)) {
          context.events.record(policy, {
            type: 'Warning',
            reason: 'ResidencyViolation',
            action: 'Audit',
            note: violation.message,
          });
        }
        if (fresh.length > 0) {
          context.log.info(
            { violations: result.violationCount, new: fresh.length },
            `residency audit of ${key.name}`,
          );
        }
        // An admission made while this audit ran is not covered by it: its audit comes next.
        const next = requests?.dueIn(key.name, context.now().getTime());
        return requeueAfter(Math.min(interval, next ?? interval));
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
