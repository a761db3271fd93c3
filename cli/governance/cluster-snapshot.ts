// What `agent-governor dataflows` and `agent-governor audit report` read of a live cluster, in one
// pass: namespaces, agent workloads, the governor kinds, usage ledgers, approvals, the ConfigMaps
// the agents read, and the Events the operator recorded. Lists only (and GETs of the referenced
// ConfigMaps), so a read-only role is enough. A kind whose CRD is not installed reads as empty and is
// named in `missing`.
import { type Agent, discoverAgents, type WorkloadObject } from '../../agents/agent-discovery.js';
import { WORKLOAD_KINDS, workloadResources } from '../../agents/agent-workload.js';
import {
  agentApprovals,
  agentSLOs,
  agentUsageLedgers,
  approvalPolicies,
  dataResidencyPolicies,
  fallbackRoutes,
  retentionPolicies,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import type { AgentApproval } from '../../apis/agent-approval.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import type { ApprovalPolicy } from '../../apis/approval-policy.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { referencedConfigMaps } from '../../apis/pod-destinations.js';
import type { RetentionPolicy } from '../../apis/retention-policy.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { type ConfigMapContent, configMapsReadBy } from '../../governance/agent-version.js';
import type { DataflowInputs } from '../../governance/dataflow-map.js';
import { isNotFound } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import type { ResourceType } from '../../runtime/kube/resource-type.js';
import { configMaps, events, type KubeEvent, namespaces } from '../../runtime/kube/resources.js';

export interface ClusterSnapshot {
  readAt: Date;
  namespaceLabels: Map<string, Record<string, string>>;
  agents: Agent[];
  residencyPolicies: DataResidencyPolicy[];
  routes: FallbackRoute[];
  ledgers: AgentUsageLedger[];
  approvalPolicies: ApprovalPolicy[];
  approvals: AgentApproval[];
  budgets: TokenBudget[];
  slos: AgentSLO[];
  retention: RetentionPolicy[];
  /** Events the operator recorded (reportingController governor.agents.dev/…). */
  events: KubeEvent[];
  /** `namespace/name` → content (undefined: missing). */
  configMaps: Map<string, ConfigMapContent | undefined>;
  /** Kinds that could not be read because their CRD is not installed. */
  missing: string[];
}

export interface SnapshotOptions {
  /** Only this namespace (agents, routes, ledgers, approvals, budgets, SLOs, Events). */
  namespace?: string;
  now?: Date;
}

export async function readClusterSnapshot(
  client: KubeClient,
  options: SnapshotOptions = {},
): Promise<ClusterSnapshot> {
  const missing: string[] = [];
  const scope = options.namespace ? { namespace: options.namespace } : {};
  const listOrEmpty = async <T extends KubeObject>(
    resource: ResourceType<T>,
    namespaced = true,
  ): Promise<T[]> => {
    try {
      return await client.list(resource, namespaced ? scope : {});
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push(resource.kind);
      return [];
    }
  };
  const [
    namespaceList,
    workloads,
    residency,
    routes,
    ledgers,
    policies,
    approvals,
    budgets,
    slos,
    retention,
    eventList,
  ] = await Promise.all([
    client.list(namespaces),
    Promise.all(
      WORKLOAD_KINDS.map(async (kind) => ({
        kind,
        objects: (await client.list(workloadResources[kind], scope)).filter(
          (o) => !ownedByCronJob(o),
        ) as WorkloadObject[],
      })),
    ),
    listOrEmpty(dataResidencyPolicies, false),
    listOrEmpty(fallbackRoutes),
    listOrEmpty(agentUsageLedgers),
    listOrEmpty(approvalPolicies, false),
    listOrEmpty(agentApprovals),
    listOrEmpty(tokenBudgets),
    listOrEmpty(agentSLOs),
    listOrEmpty(retentionPolicies, false),
    // Events about cluster-scoped objects (the policies) live in `default`: read them all, keep ours.
    listOrEmpty(events, false),
  ]);
  const agents = [...discoverAgents(workloads).values()];
  const wanted = new Set<string>();
  for (const agent of agents) {
    for (const workload of agent.workloads) {
      const spec = workload.template.spec as Parameters<typeof referencedConfigMaps>[0];
      for (const name of [...configMapsReadBy(workload.template), ...referencedConfigMaps(spec)]) {
        wanted.add(`${agent.namespace}/${name}`);
      }
    }
  }
  const contents = new Map<string, ConfigMapContent | undefined>();
  await Promise.all(
    [...wanted].map(async (key) => {
      const [namespace, name] = key.split('/') as [string, string];
      const configMap = await client.get(configMaps, { namespace, name });
      contents.set(
        key,
        configMap
          ? {
              ...(configMap.data ? { data: configMap.data } : {}),
              ...(configMap.binaryData ? { binaryData: configMap.binaryData } : {}),
            }
          : undefined,
      );
    }),
  );
  return {
    readAt: options.now ?? new Date(),
    namespaceLabels: new Map(namespaceList.map((n) => [n.metadata?.name ?? '', n.metadata?.labels ?? {}])),
    agents,
    residencyPolicies: residency,
    routes,
    ledgers,
    approvalPolicies: policies,
    approvals,
    budgets,
    slos,
    retention,
    events: eventList.filter(
      (e) =>
        (e.reportingController ?? '').startsWith('governor.agents.dev') &&
        (!options.namespace || !e.regarding?.namespace || e.regarding.namespace === options.namespace),
    ),
    configMaps: contents,
    missing,
  };
}

/** The snapshot as the dataflow map's inputs. */
export function dataflowInputs(
  snapshot: ClusterSnapshot,
  options: { operatorNamespace: string; namespace?: string },
): DataflowInputs {
  return {
    agents: snapshot.agents,
    namespaceLabels: (namespace) => snapshot.namespaceLabels.get(namespace),
    residencyPolicies: snapshot.residencyPolicies,
    operatorNamespace: options.operatorNamespace,
    routes: snapshot.routes,
    configMap: (namespace, name) => snapshot.configMaps.get(`${namespace}/${name}`),
    ledgers: snapshot.ledgers,
    ...(options.namespace ? { namespaces: new Set([options.namespace]) } : {}),
    now: snapshot.readAt,
  };
}

/** A Job a CronJob made runs the CronJob's template: the CronJob stands for it. */
function ownedByCronJob(object: KubeObject): boolean {
  return (object.metadata?.ownerReferences ?? []).some((o) => o.kind === 'CronJob');
}
