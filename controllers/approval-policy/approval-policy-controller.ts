// The ApprovalPolicy controller: keeps the label governor.agents.dev/approvals on the namespaces the
// policies select (the approval webhook's scope) and audits each policy — every spec.auditInterval,
// and whenever an agent workload, an approval, a route or a namespace changes — writing the
// versions still pending, and the running workloads approved only under an older version, into its
// status, with an Event for each approval granted and each workload whose version lost its
// approvals. ConfigMaps the agents read are fetched at audit time (a changed prompt makes a new
// version: the next audit lists it).
import { isAgentWorkload } from '../../agents/agent-workload.js';
import { agentsInCaches, agentWorkloadKinds } from '../../agents/agent-workload-watches.js';
import { agentApprovals, approvalPolicies, fallbackRoutes } from '../../agents/governor-resources.js';
import { APPROVALS_GOVERNED_LABEL, type ApprovalPolicy } from '../../apis/approval-policy.js';
import { parseDuration } from '../../apis/duration.js';
import { type ConfigMapContent, configMapsReadBy } from '../../governance/agent-version.js';
import { approvalPoliciesFor } from '../../governance/approval-requirements.js';
import {
  type ControllerFactory,
  defineController,
  type ReconcileContext,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, requeueAfter, terminal } from '../../runtime/controller/reconcile-result.js';
import { sameStatus } from '../../runtime/controller/status-update.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { configMaps, namespaces } from '../../runtime/kube/resources.js';
import { atMostAtOnce } from '../data-residency/namespace-workloads.js';
import { kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { auditApprovals } from './approval-audit.js';
import { governedNamespaceChanges } from './governed-namespaces.js';

export const APPROVAL_POLICY_CONTROLLER = 'approval-policy';

export const approvalPolicyController: ControllerFactory = (environment) => {
  const exempt = new Set([environment.namespace, 'kube-system']);
  // Any change in these may change what some policy reports: audit every policy (they are few).
  const everyPolicy = (_: KubeObject, cache: ReconcileContext['cache']) =>
    cache(approvalPolicies)
      .list()
      .map((p) => ({ name: p.metadata?.name ?? '' }));
  return defineController({
    name: APPROVAL_POLICY_CONTROLLER,
    watches: [
      watch({ resource: approvalPolicies }),
      watch({ resource: agentApprovals, mapToKeys: everyPolicy }),
      watch({ resource: namespaces, mapToKeys: everyPolicy }),
      watch({ resource: fallbackRoutes, mapToKeys: everyPolicy }),
      ...agentWorkloadKinds.map(({ resource }) =>
        watch({ resource, filter: isAgentWorkload, mapToKeys: everyPolicy }),
      ),
    ],
    async reconcile(key, context) {
      await labelGovernedNamespaces(context, exempt);
      const policy = context.cache(approvalPolicies).get(key);
      if (!policy || policy.metadata?.deletionTimestamp) return done;
      const interval = parseDuration(policy.spec.auditInterval);
      if (!Number.isFinite(interval) || interval <= 0) {
        return terminal(
          `ApprovalPolicy ${key.name}: spec.auditInterval must be a duration such as 10m, got ${JSON.stringify(policy.spec.auditInterval)}`,
        );
      }
      const now = context.now();
      const selected = new Set(
        context
          .cache(namespaces)
          .list()
          .map((n) => n.metadata?.name ?? '')
          .filter(
            (name) =>
              approvalPoliciesFor(name, context.cache(namespaces).get({ name })?.metadata?.labels, [policy], {
                exemptNamespaces: exempt,
              }).length > 0,
          ),
      );
      const agents = [...agentsInCaches(context.cache).values()].filter((a) => selected.has(a.namespace));
      const contents = await readConfigMaps(
        context,
        agents.flatMap((a) =>
          a.workloads.flatMap((w) =>
            configMapsReadBy(w.template).map((name) => ({ namespace: a.namespace, name })),
          ),
        ),
      );
      const audit = auditApprovals({
        policy,
        since: policy.status?.lastAuditTime,
        namespaces: [...selected],
        agents,
        routes: (namespace) => context.cache(fallbackRoutes).list(namespace),
        configMap: (namespace, name) => contents.get(`${namespace}/${name}`),
        approvals: (namespace) => context.cache(agentApprovals).list(namespace),
      });
      const summary =
        `${audit.versions.length} workload(s) in ${selected.size} namespace(s): ${audit.pendingCount} pending approval, ` +
        `${audit.staleCount} approved only under an older version`;
      const next = approvalStatus(policy, audit, summary, now, interval);
      const executor = new PlanExecutor(context);
      await executor.writeStatus({
        resource: approvalPolicies,
        key,
        current: policy.status,
        next,
        patch: 'merge',
      });
      executor.record(
        audit.events.map((event) => ({
          regarding: policy,
          event: { type: event.type, reason: event.reason, action: 'Audit', note: event.note },
        })),
      );
      return requeueAfter(interval);
    },
  });
};

/**
 * The status an audit writes. The workloads' events (every status change of a Deployment) start an
 * audit too: when it finds nothing new — same versions, nothing to announce — and the periodic audit
 * is not due, `lastAuditTime` stays, so the status is not written at all (the executor writes only a
 * change).
 */
export function approvalStatus(
  policy: ApprovalPolicy,
  audit: ReturnType<typeof auditApprovals>,
  summary: string,
  now: Date,
  intervalMs: number,
): NonNullable<ApprovalPolicy['status']> {
  const generation = policy.metadata?.generation;
  const found = {
    versions: audit.versions,
    pendingCount: audit.pendingCount,
    staleCount: audit.staleCount,
    conditions: nextConditions(
      policy.status?.conditions,
      kstatusConditions({ state: 'Ready', reason: 'Audited', message: summary }),
      generation,
      now,
    ),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const previous = policy.status;
  const last = previous?.lastAuditTime ? Date.parse(previous.lastAuditTime) : Number.NaN;
  const due = !(now.getTime() - last < intervalMs);
  const same =
    previous !== undefined &&
    sameStatus(
      { ...found, lastAuditTime: previous.lastAuditTime },
      { ...previous, versions: previous.versions ?? [] },
    );
  return {
    ...found,
    // Events announced now (a grant since the last audit) move it, so they are not announced again.
    lastAuditTime:
      same && !due && audit.events.length === 0
        ? (previous?.lastAuditTime ?? now.toISOString())
        : now.toISOString(),
  };
}

/** Puts the governed label on the namespaces a policy selects and takes it off the others. */
async function labelGovernedNamespaces(
  context: ReconcileContext,
  exempt: ReadonlySet<string>,
): Promise<void> {
  const changes = governedNamespaceChanges(
    context
      .cache(namespaces)
      .list()
      .map((n) => ({ name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} })),
    context.cache(approvalPolicies).list(),
    exempt,
  );
  for (const change of changes) {
    await context.client.patch(
      namespaces,
      { name: change.namespace },
      {
        type: 'merge',
        body: { metadata: { labels: { [APPROVALS_GOVERNED_LABEL]: change.value } } },
      },
    );
    context.log.info(
      { namespace: change.namespace, governed: change.value !== null },
      'approval scope of a namespace',
    );
  }
}

async function readConfigMaps(
  context: ReconcileContext,
  refs: ReadonlyArray<{ namespace: string; name: string }>,
): Promise<Map<string, ConfigMapContent | undefined>> {
  const unique = [...new Map(refs.map((r) => [`${r.namespace}/${r.name}`, r])).values()];
  const read = await atMostAtOnce(
    4,
    unique.map((ref) => async () => {
      const configMap = await context.client.get(configMaps, ref);
      return configMap
        ? {
            ...(configMap.data ? { data: configMap.data } : {}),
            ...(configMap.binaryData ? { binaryData: configMap.binaryData } : {}),
          }
        : undefined;
    }),
  );
  return new Map(unique.map((ref, i) => [`${ref.namespace}/${ref.name}`, read[i]]));
}
