// The DataResidencyPolicy controller: audits the agent workloads of the namespaces a policy applies
// to every spec.auditInterval (a requeueAfter, so the period survives leader changes: it is measured
// from status.lastAuditTime) and on every spec change; writes the violations into status and an
// Event for each violation not seen at the previous audit. Admission (the webhook) refuses new
// violations; this audit finds the ones that existed before the policy or slipped past it.
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { parseDuration } from '../../apis/duration.js';
import { type PodSpecLike, referencedConfigMaps } from '../../apis/pod-destinations.js';
import type { ReconcileContext } from '../../operator/controller/controller-definition.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../operator/controller/controller-definition.js';
import { done, requeueAfter, terminal } from '../../operator/controller/reconcile-result.js';
import {
  configMaps as configMapResource,
  dataResidencyPolicies,
  fallbackRoutes,
  namespaces,
} from '../../operator/kube/resources.js';
import { kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import type { Agent } from '../policy/agent-discovery.js';
import { agentsInCaches, agentWorkloadKinds, isAgentWorkload } from '../policy/agent-workload-watches.js';
import { residencyPoliciesFor } from '../policy/residency-scope.js';
import { auditResidency, violationKey } from './residency-audit.js';

export const DATA_RESIDENCY_CONTROLLER = 'data-residency';
/** Events for new violations per audit; the rest are in status. */
const MAX_EVENTS_PER_AUDIT = 20;

export const dataResidencyController: ControllerFactory = (environment) =>
  defineController({
    name: DATA_RESIDENCY_CONTROLLER,
    watches: [
      watch({ resource: dataResidencyPolicies }),
      // Read at audit time only: the audit is periodic, so these changes queue nothing.
      ...agentWorkloadKinds.map(({ kind, resource }) =>
        watch({ resource, filter: isAgentWorkload(kind), mapToKeys: () => [] }),
      ),
      watch({ resource: namespaces, mapToKeys: () => [] }),
      watch({ resource: fallbackRoutes, mapToKeys: () => [] }),
    ],
    async reconcile(key, context) {
      const policy = context.cache(dataResidencyPolicies).get(key);
      if (!policy || policy.metadata?.deletionTimestamp) return done;
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
      if (current && Number.isFinite(last) && now.getTime() - last < interval && now.getTime() >= last) {
        return requeueAfter(interval - (now.getTime() - last));
      }

      const scope = { operatorNamespace: environment.namespace };
      const applies = (namespace: string) =>
        residencyPoliciesFor(
          namespace,
          context.cache(namespaces).get(namespace)?.metadata?.labels,
          [policy],
          scope,
        ).length > 0;
      const agents = [...agentsInCaches(context.cache).values()].filter((a) => applies(a.namespace));
      const configMaps = await configMapsOf(agents, context);
      const result = auditResidency({
        policy,
        agents,
        configMaps: (namespace) => configMaps.get(namespace) ?? {},
        routes: (namespace) => context.cache(fallbackRoutes).list(namespace),
        isClusterNamespace: (name) => context.cache(namespaces).get(name) !== undefined,
      });

      const health = {
        state: 'Ready' as const,
        reason: 'Audited',
        message:
          `audited ${result.workloads} agent workload(s) in ${new Set(agents.map((a) => a.namespace)).size} namespace(s): ` +
          `${result.violationCount} violation(s)`,
      };
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
      return requeueAfter(interval);
    },
  });

/** The ConfigMaps the agents' pod templates read env from, fetched once per audit (not cached: few are needed). */
async function configMapsOf(
  agents: readonly Agent[],
  context: ReconcileContext,
): Promise<Map<string, Record<string, Record<string, string> | undefined>>> {
  const result = new Map<string, Record<string, Record<string, string> | undefined>>();
  for (const agent of agents) {
    const inNamespace = result.get(agent.namespace) ?? {};
    result.set(agent.namespace, inNamespace);
    for (const workload of agent.workloads) {
      for (const name of referencedConfigMaps(workload.template.spec as PodSpecLike | undefined)) {
        if (name in inNamespace) continue;
        const configMap = await context.client.get(configMapResource, { namespace: agent.namespace, name });
        inNamespace[name] = configMap?.data ?? undefined;
      }
    }
  }
  return result;
}
