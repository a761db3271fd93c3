// What the scenario suites share: the cluster with the CRDs, a namespace of agents governed by a
// FallbackRoute to the local mock LLM and a TokenBudget, a projected-style ServiceAccount token the
// sidecars present, the operator (`agent-governor operator`) and sidecars (`agent-governor
// sidecar`) as child processes, and the policy mirror a pod would mount.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fallbackRoutes, tokenBudgets } from '../agents/governor-resources.js';
import { policyInConfigMap } from '../agents/policy-config-map.js';
import { SERVICES_CA_CONFIG_MAP, SERVICES_CA_KEY } from '../agents/services-ca-config-map.js';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { type FallbackRoute, fallbackRouteSpec } from '../apis/fallback-route.js';
import { type TokenBudget, tokenBudgetSpec } from '../apis/token-budget.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { configMaps, namespaces } from '../runtime/kube/resources.js';
import { agentCronJob, agentDeployment, createWorkloads, uniqueNamespace } from './budget-fixture.js';
import { type CliProcess, startCliProcess } from './cli-process.js';
import { eventually } from './eventually.js';
import { operatorCommandLine } from './operator-command-line.js';
import { agentToken, servicesEnv } from './services-fixture.js';
import type { TestCluster } from './test-cluster.js';

/** The ServiceAccount the agents run as and whose token the sidecars present. */
export const AGENT_SERVICE_ACCOUNT = 'agent';

export interface GovernedAgents {
  cluster: TestCluster;
  client: KubeClient;
  /** Where the agents, their route, budget and ServiceAccount live. */
  namespace: string;
  /** The operator's own namespace (its Lease). */
  operatorNamespace: string;
  /** The ServiceAccount token sidecars present (audience agent-governor). */
  tokenFile: string;
  /** Scratch directory (policy files, spools), removed by `close()`. */
  dir: string;
  /** Deletes both namespaces (releasing the budgets' finalizers first) and the scratch directory. */
  close(): Promise<void>;
}

/** Creates the agents' namespace (with a ServiceAccount token) and the operator's. */
export async function governedAgents(prefix: string): Promise<GovernedAgents> {
  const env = await servicesEnv();
  const namespace = uniqueNamespace(prefix);
  const operatorNamespace = uniqueNamespace(`${prefix}-op`);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, await agentToken(env.cluster, namespace, AGENT_SERVICE_ACCOUNT));
  await env.client.create(namespaces, { metadata: { name: operatorNamespace } });
  return {
    cluster: env.cluster,
    client: env.client,
    namespace,
    operatorNamespace,
    tokenFile,
    dir,
    async close() {
      // The budgets' restore finalizer needs a running operator; the suite's may be gone already,
      // and a namespace must never stay Terminating on the shared cluster.
      for (const budget of await env.client.list(tokenBudgets, { namespace })) {
        await env.client
          .patch(
            tokenBudgets,
            { namespace, name: budget.metadata.name ?? '' },
            { type: 'merge', body: { metadata: { finalizers: null } } },
          )
          .catch(() => undefined); // already gone
      }
      for (const name of [namespace, operatorNamespace]) await env.client.delete(namespaces, { name });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A route for `model` with one target: the mock LLM (a loopback host: cluster-internal, not egress). */
export function mockRoute(
  namespace: string,
  options: { name: string; model: string; degradeTo: string; baseUrl: string; team: string },
): FallbackRoute {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'FallbackRoute',
    metadata: { namespace, name: options.name },
    // Parsed as the API server would default it.
    spec: fallbackRouteSpec.parse({
      agentSelector: { matchLabels: { team: options.team } },
      model: options.model,
      targets: [{ name: 'mock', provider: 'OpenAI', endpoint: options.baseUrl, model: options.model }],
      degradeTo: { model: options.degradeTo },
    }),
  };
}

/** A daily token budget of `team`: Alert + Degrade at 75 %, Alert + Suspend at 100 %. */
export function teamBudget(
  namespace: string,
  options: { name: string; team: string; tokens: number; route: string; alertUrl?: string },
): TokenBudget {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'TokenBudget',
    metadata: { namespace, name: options.name },
    spec: tokenBudgetSpec.parse({
      agentSelector: { matchLabels: { team: options.team } },
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      limits: { tokens: options.tokens, currency: 'USD' },
      thresholds: [
        { percent: 75, actions: ['Alert', 'Degrade'] },
        { percent: 100, actions: ['Alert', 'Suspend'] },
      ],
      degrade: { fallbackRouteRef: { name: options.route } },
      ...(options.alertUrl
        ? { alerts: { webhooks: [{ name: 'ops', url: options.alertUrl, format: 'Generic' }] } }
        : {}),
    }),
  };
}

/**
 * The marketing team: `writer` (non-critical, 2 replicas), `support` (critical, 3 replicas) and the
 * `digest` CronJob, all labelled team=marketing, running as ServiceAccount `agent` (whose token the
 * sidecars present: the services bind each agent to the ServiceAccounts its workloads run as).
 */
export async function createMarketingAgents(client: KubeClient, namespace: string): Promise<void> {
  await createWorkloads(client, {
    deployments: [
      agentDeployment(namespace, 'writer', {
        replicas: 2,
        labels: { team: 'marketing' },
        serviceAccountName: AGENT_SERVICE_ACCOUNT,
      }),
      agentDeployment(namespace, 'support', {
        replicas: 3,
        labels: { team: 'marketing' },
        critical: true,
        serviceAccountName: AGENT_SERVICE_ACCOUNT,
      }),
    ],
    cronJobs: [agentCronJob(namespace, 'digest', { team: 'marketing' }, AGENT_SERVICE_ACCOUNT)],
  });
}

export async function createRouteAndBudget(
  client: KubeClient,
  route: FallbackRoute,
  budget: TokenBudget,
): Promise<void> {
  await client.create(fallbackRoutes, route);
  await client.create(tokenBudgets, budget);
}

/** The agent's policy in its mirror ConfigMap (what a pod mounts), once `check` holds. */
export function mirroredPolicy(
  client: KubeClient,
  namespace: string,
  agent: string,
  check: (policy: EffectivePolicy) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<EffectivePolicy> {
  return eventually(
    `the policy mirror of ${namespace}/${agent}`,
    async () => {
      const configMap = await client.get(configMaps, { namespace, name: `governor-policy-${agent}` });
      if (!configMap) return undefined;
      const read = policyInConfigMap(configMap);
      return read.ok && check(read.policy) ? read.policy : undefined;
    },
    { timeoutMs },
  );
}

export interface OperatorCli extends CliProcess {
  identity: string;
  metricsUrl: string;
  healthUrl: string;
  /** Where sidecars reach the policy long-poll and usage ingest. */
  servicesUrl: string;
  servicesPort: number;
}

/**
 * `agent-governor operator` with leader election on Lease `lease` in `namespace`, every port on
 * 127.0.0.1 (the sidecar services on `servicesPort`, a free one when 0). Ready once it printed its
 * start-up line.
 */
export async function startOperatorCli(
  kubeconfig: string,
  namespace: string,
  options: {
    identity: string;
    lease: string;
    servicesPort?: number;
    extra?: string[];
    /** Flags for Node itself, e.g. --cpu-prof (the benchmark's --profile). */
    nodeArgs?: string[];
  },
): Promise<OperatorCli> {
  const cli = await startCliProcess(
    operatorCommandLine({
      kubeconfig,
      namespace,
      identity: options.identity,
      leaseName: options.lease,
      sidecarServicesPort: options.servicesPort ?? 0,
      extra: options.extra ?? [],
    }),
    /metrics (http:\S+)\/metrics; probes (http:\S+)\/healthz \S+; sidecar services (https?:\/\/127\.0\.0\.1:(\d+))/,
    options.nodeArgs ? { nodeArgs: options.nodeArgs } : {},
  );
  const [, metricsUrl = '', healthUrl = '', servicesUrl = '', port = '0'] = cli.ready;
  return {
    ...cli,
    identity: options.identity,
    metricsUrl,
    healthUrl,
    servicesUrl,
    servicesPort: Number(port),
  };
}

export interface SidecarCli extends CliProcess {
  url: string;
}

/**
 * `agent-governor sidecar` for agent `namespace/agent` in operator mode, as the injected container
 * runs it: the operator's URL, the ServiceAccount token, the mounted policy (written here from the
 * mirror ConfigMap) and a spool directory of its own. `caFile`: the bundle an https URL is verified
 * against when it is not the operator's own (services replicas with a certificate from files).
 */
export async function startSidecarCli(
  env: GovernedAgents,
  agent: string,
  operatorUrl: string,
  policy: EffectivePolicy,
  spool = join(env.dir, `spool-${agent}`),
  caFile?: string,
): Promise<SidecarCli> {
  const policyFile = join(env.dir, `policy-${agent}.json`);
  writeFileSync(policyFile, JSON.stringify(policy));
  // Over TLS (the operator's default) the sidecar verifies the services against the bundle the
  // operator publishes in the agents' namespace — what an injected pod mounts.
  caFile ??= operatorUrl.startsWith('https:') ? await servicesCaFile(env) : undefined;
  const cli = await startCliProcess(
    [
      'sidecar',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--operator-url',
      operatorUrl,
      ...(caFile ? ['--operator-ca-file', caFile] : []),
      '--agent',
      `${env.namespace}/${agent}`,
      '--token-file',
      env.tokenFile,
      '--policy-file',
      policyFile,
      '--spool-dir',
      spool,
    ],
    /agent-governor sidecar listening on (http:\/\/\S+)/,
  );
  return { ...cli, url: cli.ready[1] ?? '' };
}

/**
 * ConfigMap agent-governor-services-ca of the agents' namespace (published by the operator once an
 * agent workload is there), written to `ca.crt` in the scratch directory.
 */
export async function servicesCaFile(env: GovernedAgents, timeoutMs = 30_000): Promise<string> {
  const bundle = await eventually(
    `ConfigMap ${env.namespace}/${SERVICES_CA_CONFIG_MAP}`,
    async () => {
      const configMap = await env.client.get(configMaps, {
        namespace: env.namespace,
        name: SERVICES_CA_CONFIG_MAP,
      });
      return configMap?.data?.[SERVICES_CA_KEY] || undefined;
    },
    { timeoutMs },
  );
  const file = join(env.dir, SERVICES_CA_KEY);
  writeFileSync(file, bundle);
  return file;
}
