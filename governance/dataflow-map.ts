// The dataflow map: for every agent, where its data can go and where it did go. Built from what the
// cluster holds — agent workloads, the FallbackRoutes they use, the ConfigMaps they read, the
// residency policies (and the refusals their status records), the usage ledgers (the targets the
// sidecars saw answer) — by the same rules admission and the sidecar use. Pure; `agent-governor
// dataflows` and `agent-governor audit report` read the cluster and call it.
import type { Agent } from '../agents/agent-discovery.js';
import { selectRoutes } from '../agents/route-selection.js';
import { jurisdictionOfRegion } from '../apis/cloud-regions.js';
import { compileResidency, type EffectiveResidency } from '../apis/compile/residency.js';
import type { DataResidencyPolicy } from '../apis/data-residency-policy.js';
import { endpointHost } from '../apis/endpoint-host.js';
import type { FallbackRoute } from '../apis/fallback-route.js';
import {
  type ContainerLike,
  EGRESS_ANNOTATION,
  judgeDestination,
  type PodSpecLike,
  podDestinations,
} from '../apis/pod-destinations.js';
import { placeEndpoint } from '../apis/region-catalog.js';
import type { AgentUsageLedger, ObservedTarget } from '../apis/usage-ledger.js';
import { residencyPoliciesFor } from '../residency/residency-scope.js';
import { placeTarget } from '../residency/target-placement.js';
import { agentVersion, type ConfigMapContent, type VersionParts } from './agent-version.js';
import { type DataStoreKind, dataStores } from './data-stores.js';
import { DATAFLOWS_ANNOTATION, declaredFlows } from './declared-flows.js';
import { type FlowResidency, judgePlace, verdictOfDecision } from './flow-residency.js';
import { FlowTable } from './flow-table.js';
import { llmProvider } from './llm-provider.js';

export type DestinationKind = 'LLM' | DataStoreKind | 'Declared';

export interface MapWorkload {
  kind: string;
  name: string;
  version: string;
  parts: VersionParts;
}

export interface MapAgent {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  critical: boolean;
  workloads: MapWorkload[];
  /** Declarations the map could not read, refusals of an agent that never ran, … */
  notes: string[];
}

export interface MapDestination {
  /** `llm:eu.api.openai.com`, `Qdrant:xyz.qdrant.io`, `S3:s3://bucket`. */
  id: string;
  kind: DestinationKind;
  host: string;
  provider?: string;
  resource?: string;
  region?: string;
  jurisdiction?: string;
  internal: boolean;
}

export interface ObservedUse {
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  lastSeen: string;
}

export interface MapFlow {
  agent: string;
  destination: string;
  /** How the agent reaches it: `route gpt-4o target openai-eu`, `env OPENAI_BASE_URL (agent)`, `declared nightly-export`, `refused at admission: Deployment/x`. */
  via: string[];
  models: string[];
  residency: FlowResidency;
  policy?: string;
  mode?: string;
  message: string;
  /** Declared by the team: nothing in the pod spec shows it. */
  declared: boolean;
  /** Refused at admission: the workload never ran. */
  refusedAtAdmission: boolean;
  /** What the sidecars saw answer, per model (empty: nothing observed). */
  observed: ObservedUse[];
}

export interface DataflowMap {
  generatedAt: string;
  agents: MapAgent[];
  destinations: MapDestination[];
  flows: MapFlow[];
}

export interface DataflowInputs {
  agents: readonly Agent[];
  namespaceLabels: (namespace: string) => Readonly<Record<string, string>> | undefined;
  residencyPolicies: readonly DataResidencyPolicy[];
  /** The operator's namespace: exempt from residency, like kube-system. */
  operatorNamespace: string;
  routes: readonly FallbackRoute[];
  /** ConfigMaps by namespace and name (undefined: missing); those the workloads read are enough. */
  configMap: (namespace: string, name: string) => ConfigMapContent | undefined;
  ledgers: readonly AgentUsageLedger[];
  /** Only these namespaces (undefined: all). */
  namespaces?: ReadonlySet<string>;
  now: Date;
}

export function dataflowMap(inputs: DataflowInputs): DataflowMap {
  const agents = new Map<string, MapAgent>();
  const inScope = (namespace: string) => !inputs.namespaces || inputs.namespaces.has(namespace);
  const residencyOf = residencyFor(inputs);

  const table = new FlowTable();
  const addFlow = table.add.bind(table);

  for (const agent of inputs.agents) {
    if (!inScope(agent.namespace)) continue;
    const id = `${agent.namespace}/${agent.name}`;
    const residency = residencyOf(agent.namespace);
    const routes = selectRoutes(agent, inputs.routes).routes;
    const mapAgent: MapAgent = {
      id,
      namespace: agent.namespace,
      name: agent.name,
      critical: agent.critical,
      workloads: [],
      notes: [],
    };
    agents.set(id, mapAgent);
    const observed = observedTargets(inputs.ledgers, agent.namespace, agent.name);

    for (const route of routes) {
      for (const target of route.spec.targets) {
        const placed = placeTarget(target, residency);
        const destination = llmDestination(
          withPort(placed.host, target.endpoint),
          placed,
          llmProvider(placed.host, target.provider),
        );
        const model = target.model ?? route.spec.model;
        const flow = addFlow(
          id,
          destination,
          `route ${route.metadata?.name ?? ''} target ${target.name}`,
          verdictOfDecision(placed.decision, residency, placed),
          { model },
        );
        for (const seen of observed.filter(
          (o) => o.target === target.name && (o.route === undefined || o.route === route.metadata?.name),
        )) {
          table.observe(flow, seen);
        }
      }
    }

    for (const workload of agent.workloads) {
      const spec = workload.template.spec as (PodSpecLike & { containers?: ContainerLike[] }) | undefined;
      const version = agentVersion({
        template: workload.template,
        annotations: workload.annotations,
        routes,
        configMap: (name) => inputs.configMap(agent.namespace, name),
      });
      mapAgent.workloads.push({
        kind: workload.kind,
        name: workload.name,
        version: version.version,
        parts: version.parts,
      });

      const annotations = {
        ...workload.annotations,
        ...(workload.template.metadata?.annotations ?? {}),
      };
      const data: Record<string, Record<string, string> | undefined> = {};
      for (const name of Object.keys(version.parts.configMaps)) {
        const content = inputs.configMap(agent.namespace, name);
        data[name] = content?.data ? { ...content.data } : undefined;
      }
      const additions = residency?.endpoints ?? [];
      for (const destination of podDestinations({
        spec,
        annotations: annotations[EGRESS_ANNOTATION]
          ? { [EGRESS_ANNOTATION]: annotations[EGRESS_ANNOTATION] }
          : {},
        configMaps: data,
        additions,
      })) {
        // Outside LLM settings only hosts the LLM catalog places are LLM endpoints; data stores come below.
        if (!destination.llmSetting && destination.region === undefined) continue;
        const placed = placeEndpoint(destination.endpoint, additions);
        const mapDestination = llmDestination(
          withPort(destination.host, destination.endpoint),
          { ...destination, internal: placed.internal },
          llmProvider(destination.host),
        );
        addFlow(
          id,
          mapDestination,
          `${destination.source}${destination.container ? ` (${destination.container})` : ''} of ${workload.kind}/${workload.name}`,
          verdictOfDecision(judgeDestination(destination, residency), residency, placed),
        );
      }
      for (const store of dataStores([
        ...(spec?.initContainers ?? []),
        ...(spec?.containers ?? []),
      ] as never)) {
        const destination: MapDestination = {
          id: `${store.kind}:${store.host}${store.resource && !store.host.includes(store.resource) ? `/${store.resource}` : ''}`,
          kind: store.kind,
          host: store.host,
          ...(store.resource ? { resource: store.resource } : {}),
          ...(store.region ? { region: store.region } : {}),
          ...(store.jurisdiction ? { jurisdiction: store.jurisdiction } : {}),
          internal: store.internal,
        };
        addFlow(
          id,
          destination,
          `${store.source} (${store.container}) of ${workload.kind}/${workload.name}`,
          judgePlace(residency, store),
        );
      }
      const declared = declaredFlows(
        annotations[DATAFLOWS_ANNOTATION],
        `${workload.kind} ${agent.namespace}/${workload.name}`,
      );
      if (declared.problem) mapAgent.notes.push(declared.problem);
      for (const flow of declared.flows) {
        const place = declaredPlace(flow.to, additions);
        const region = place.region ?? flow.region;
        const jurisdiction =
          place.jurisdiction ??
          flow.jurisdiction ??
          (region === undefined ? undefined : jurisdictionOfRegion(region));
        const destination: MapDestination = {
          id: `Declared:${flow.to}`,
          kind: 'Declared',
          host: flow.to,
          ...(region ? { region } : {}),
          ...(jurisdiction ? { jurisdiction } : {}),
          internal: place.internal,
        };
        addFlow(
          id,
          destination,
          `declared ${flow.name}${flow.description ? `: ${flow.description}` : ''}`,
          judgePlace(residency, { region, jurisdiction, internal: place.internal }),
          { declared: true },
        );
      }
    }
  }

  // Workloads refused at admission never ran; their refusal is a flow the policy stopped.
  for (const policy of inputs.residencyPolicies) {
    for (const refusal of policy.status?.refusals ?? []) {
      if (!inScope(refusal.namespace)) continue;
      const name = refusal.agent ?? `${refusal.kind}/${refusal.name}`;
      const id = `${refusal.namespace}/${name}`;
      if (!agents.has(id)) {
        agents.set(id, {
          id,
          namespace: refusal.namespace,
          name,
          critical: false,
          workloads: [],
          notes: [`${refusal.kind} ${refusal.name} was refused at admission (${refusal.time}); it never ran`],
        });
      }
      const host = refusal.host ?? placeEndpoint(refusal.endpoint).host;
      addFlow(
        id,
        llmDestination(host, refusal, llmProvider(host)),
        `refused at admission: ${refusal.kind}/${refusal.name} ${refusal.source}${refusal.user ? ` by ${refusal.user}` : ''} at ${refusal.time}`,
        {
          residency: 'refused',
          policy: policy.metadata?.name ?? '',
          mode: policy.spec.mode,
          message: `refused at admission by residency policy "${policy.metadata?.name ?? ''}"`,
        },
        { refusedAtAdmission: true },
      );
    }
  }

  return {
    generatedAt: inputs.now.toISOString(),
    agents: [...agents.values()].sort((a, b) => a.id.localeCompare(b.id)),
    ...table.sorted(),
  };
}

/** The region label a destination is drawn in: `eu-central-1 (EU)`, `in cluster`, `unknown region`. */
export function regionLabel(
  destination: Pick<MapDestination, 'region' | 'jurisdiction' | 'internal'>,
): string {
  if (destination.internal) return 'in cluster';
  if (destination.region === undefined) {
    return destination.jurisdiction ? `jurisdiction ${destination.jurisdiction}` : 'unknown region';
  }
  return destination.jurisdiction
    ? `${destination.region} (${destination.jurisdiction})`
    : destination.region;
}

/** `host:port` when the endpoint names a port other than its scheme's: two services on one host are two destinations. */
function withPort(host: string, endpoint: string): string {
  const port = endpointHost(endpoint)?.port;
  return port === undefined ? host : `${host}:${port}`;
}

function llmDestination(
  host: string,
  placed: { region?: string | undefined; jurisdiction?: string | undefined; internal?: boolean },
  provider: string | undefined,
): MapDestination {
  return {
    id: `LLM:${host}`,
    kind: 'LLM',
    host,
    ...(provider ? { provider } : {}),
    ...(placed.region ? { region: placed.region } : {}),
    ...(placed.jurisdiction ? { jurisdiction: placed.jurisdiction } : {}),
    internal: placed.internal ?? false,
  };
}

function observedTargets(
  ledgers: readonly AgentUsageLedger[],
  namespace: string,
  agent: string,
): ObservedTarget[] {
  return ledgers
    .filter((l) => l.metadata?.namespace === namespace && l.spec.agent === agent)
    .flatMap((l) => l.spec.observedTargets ?? []);
}

function residencyFor(inputs: DataflowInputs): (namespace: string) => EffectiveResidency | undefined {
  const memo = new Map<string, EffectiveResidency | undefined>();
  return (namespace) => {
    if (memo.has(namespace)) return memo.get(namespace);
    const policies = residencyPoliciesFor(
      namespace,
      inputs.namespaceLabels(namespace),
      inputs.residencyPolicies,
      {
        operatorNamespace: inputs.operatorNamespace,
      },
    );
    const residency = compileResidency(policies.map((p) => ({ name: p.metadata?.name ?? '', spec: p.spec })));
    memo.set(namespace, residency);
    return residency;
  };
}

function declaredPlace(
  to: string,
  additions: EffectiveResidency['endpoints'],
): { region?: string; jurisdiction?: string; internal: boolean } {
  const [store] = dataStores([{ name: 'declared', env: [{ name: 'DECLARED', value: to }] }]);
  if (store) {
    return {
      ...(store.region ? { region: store.region } : {}),
      ...(store.jurisdiction ? { jurisdiction: store.jurisdiction } : {}),
      internal: store.internal,
    };
  }
  const placed = placeEndpoint(to, additions ?? []);
  return {
    ...(placed.region ? { region: placed.region } : {}),
    ...(placed.jurisdiction ? { jurisdiction: placed.jurisdiction } : {}),
    internal: placed.internal,
  };
}
