// Cold start of `agent-governor operator` against a populated cluster: the time from spawning the
// process to /readyz, to every TokenBudget, FallbackRoute and AgentSLO reading Current to kstatus
// (Ready=True for the current generation), and to the last agent's effective policy being served
// complete (one budget, one route, one SLO) by the sidecar services — read the way a sidecar reads
// it, with its ServiceAccount token.

import { writeFileSync } from 'node:fs';
import { agentSLOs, fallbackRoutes, tokenBudgets } from '../../agents/governor-resources.js';
import { SERVICES_CA_CONFIG_MAP, SERVICES_CA_KEY } from '../../agents/services-ca-config-map.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { ResourceType } from '../../runtime/kube/resource-type.js';
import { configMaps } from '../../runtime/kube/resources.js';
import { type OperatorCli, startOperatorCli } from '../../testing/governed-agents.js';
import { kstatusOf, type StatusCarrier } from '../../testing/kstatus-reading.js';
import { watchResidentMemory } from '../sidecar-overhead/bench-processes.js';
import { inBatches, type Population } from './scale-population.js';
import { SidecarProtocolClient } from './sidecar-protocol-client.js';

export interface ColdStart {
  operator: OperatorCli;
  /** Milliseconds from spawn. */
  startupLineMs: number;
  readyzMs: number;
  /** When every object of the kind read Current (undefined: not within the deadline). */
  currentMs: { budgets?: number; routes?: number; slos?: number };
  /** When the last agent's complete policy was first served. */
  lastPolicyMs?: number;
  policiesServed: number;
  /** Peak RSS (MB) from the start-up line to the end of the cold start. */
  rssPeakMb: number;
  /** Stops the RSS sampling started with the process; returns the peak over the whole run (MB). */
  stopRunSampling: () => number;
}

export async function coldStart(options: {
  client: KubeClient;
  kubeconfig: string;
  operatorNamespace: string;
  population: Population;
  deadlineMs: number;
  /** Flags for the operator's Node, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** The operator's log level; default warn. */
  logLevel?: string;
}): Promise<ColdStart> {
  const { client, population } = options;
  const spawnedAt = performance.now();
  const since = () => performance.now() - spawnedAt;
  const operator = await startOperatorCli(options.kubeconfig, options.operatorNamespace, {
    identity: 'bench-operator',
    lease: 'agent-governor-leader',
    extra: ['--log-level', options.logLevel ?? 'warn'],
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  const startupLineMs = since();
  const coldPeak = watchResidentMemory(operator.pid);
  const stopRunSampling = watchResidentMemory(operator.pid);
  const deadline = spawnedAt + options.deadlineMs;
  const ours = new Set(population.namespaces);

  const readyz = (async () => {
    while (performance.now() < deadline) {
      const answer = await fetch(`${operator.healthUrl}/readyz`).catch(() => undefined);
      if (answer?.status === 200) return since();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return Number.NaN;
  })();

  const allCurrent = async <T extends StatusCarrier>(
    resource: ResourceType<T & { metadata: object }>,
    expected: number,
  ) => {
    while (performance.now() < deadline) {
      const objects = (await client.list(resource)).filter((o) =>
        ours.has((o.metadata as { namespace?: string }).namespace ?? ''),
      );
      const current = objects.filter((o) => kstatusOf(o).verdict === 'Current').length;
      if (current === expected) return since();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return undefined;
  };

  // Over HTTPS (the services' default) the bench verifies them as a sidecar does: against the bundle
  // the operator publishes in the agents' namespaces, written to a file once it is there.
  void writeServicesCa(client, population, deadline).catch(() => undefined);
  const services = new SidecarProtocolClient(
    operator.servicesUrl,
    population.tokenFiles,
    32,
    population.caFile,
  );
  const policies = (async () => {
    let pending = population.teams.flatMap((team) => team.agents.map((agent) => ({ team, agent })));
    let last: number | undefined;
    let served = 0;
    while (pending.length > 0 && performance.now() < deadline) {
      const still: typeof pending = [];
      await inBatches(pending, 32, async (entry) => {
        const policy = await services.policy(entry.team.namespace, entry.agent).catch(() => undefined);
        const complete =
          policy !== undefined &&
          policy.budgets.length === 1 &&
          policy.routes.length === 1 &&
          policy.slos.length === 1;
        if (complete) {
          served++;
          last = since();
        } else {
          still.push(entry);
        }
      });
      pending = still;
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { last: pending.length === 0 ? last : undefined, served };
  })();

  const [readyzMs, budgets, routes, slos, policy] = await Promise.all([
    readyz,
    allCurrent(tokenBudgets, population.objects.budgets),
    allCurrent(fallbackRoutes, population.objects.routes),
    allCurrent(agentSLOs, population.objects.slos),
    policies,
  ]);
  await services.close();
  const rssPeakMb = coldPeak();
  return {
    rssPeakMb,
    stopRunSampling,
    operator,
    startupLineMs,
    readyzMs,
    currentMs: {
      ...(budgets !== undefined ? { budgets } : {}),
      ...(routes !== undefined ? { routes } : {}),
      ...(slos !== undefined ? { slos } : {}),
    },
    ...(policy.last !== undefined ? { lastPolicyMs: policy.last } : {}),
    policiesServed: policy.served,
  };
}

/** ConfigMap agent-governor-services-ca of the first namespace, into `population.caFile` (bounded). */
async function writeServicesCa(client: KubeClient, population: Population, deadline: number): Promise<void> {
  const namespace = population.namespaces[0];
  while (namespace && performance.now() < deadline) {
    const configMap = await client
      .get(configMaps, { namespace, name: SERVICES_CA_CONFIG_MAP })
      .catch(() => undefined);
    const bundle = configMap?.data?.[SERVICES_CA_KEY];
    if (bundle) return writeFileSync(population.caFile, bundle);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
