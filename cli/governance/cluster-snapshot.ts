// What `agent-governor dataflows` and `agent-governor audit report` read of a live cluster, in one
// pass: namespaces, agent workloads, the governor kinds, usage ledgers, approvals, the ConfigMaps
// the agents read, and the Events the operator recorded. Lists only (and GETs of the referenced
// ConfigMaps), so a read-only role is enough. A kind whose CRD is not installed reads as empty and is
// named in `missing`. The ledgers come from the usage store (`ledgers`: the API server by default, or
// Redis/Valkey with --usage-store redis: docs/scale.md).
import { type Agent, discoverAgents, type WorkloadObject } from '../../agents/agent-discovery.js';
import { WORKLOAD_KINDS, workloadResources } from '../../agents/agent-workload.js';
import {
  agentApprovals,
  agentSLOs,
  approvalPolicies,
  dataResidencyPolicies,
  fallbackRoutes,
  retentionPolicies,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import { apiServerLedgerReader, type LedgerReader } from '../../agents/ledger-documents.js';
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
import { readingFlags, type UsageStoreFlags, usageStoreForReading } from '../usage-store-flags.js';

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
  /** Where the usage ledgers are read; default the API server through `client`. */
  ledgers?: LedgerReader;
}

export async function readClusterSnapshot(
  client: KubeClient,
  options: SnapshotOptions = {},
): Promise<ClusterSnapshot> {
  const missing: string[] = [];
  const scope = options.namespace ? { namespace: options.namespace } : {};
  const readOrEmpty = async <T>(kind: string, read: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await read();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push(kind);
      return [];
    }
  };
  const listOrEmpty = <T extends KubeObject>(resource: ResourceType<T>, namespaced = true): Promise<T[]> =>
    readOrEmpty(resource.kind, () => client.list(resource, namespaced ? scope : {}));
  const ledgerReader = options.ledgers ?? apiServerLedgerReader(client);
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
    readOrEmpty('AgentUsageLedger', () => ledgerReader.list(options.namespace)),
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

/**
 * The snapshot with the ledgers read from the usage store the operator's flags name
 * (`--usage-store`, `--redis-*`; none: the API server), for `dataflows` and `audit report`.
 */
export async function readClusterSnapshotFrom(
  client: KubeClient,
  flags: Partial<UsageStoreFlags>,
  options: SnapshotOptions = {},
): Promise<ClusterSnapshot> {
  const usage = await usageStoreForReading(readingFlags(flags), client);
  try {
    return await readClusterSnapshot(client, { ...options, ledgers: usage.reader });
  } finally {
    await usage.close();
  }
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
