// What the suites of this folder share: the examples (namespace, EU-only residency policy, the
// gpt-4o route, the marketing budget, the support SLO, the agent Deployments and CronJob) applied
// into a namespace of their own, and the operator runtime in this process running the policy
// compiler, FallbackRoute and DataResidencyPolicy controllers with a real PolicyStore and its
// ConfigMap mirror (the sidecar services). Names carry a random suffix so suites never collide.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse } from 'yaml';
import {
  agentSLOs,
  dataResidencyPolicies,
  fallbackRoutes,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import { policyInConfigMap } from '../../agents/policy-config-map.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { dataResidencyController } from '../../controllers/data-residency/data-residency-controller.js';
import { fallbackRouteController } from '../../controllers/fallback-route/fallback-route-controller.js';
import { policyCompilerController } from '../../controllers/policy-compiler/policy-compiler-controller.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { configMaps, cronJobs, deployments, namespaces } from '../../runtime/kube/resources.js';
import { type Operator, startOperator } from '../../runtime/manager/operator-runtime.js';
import { PolicyStore } from '../../sidecar-services/policy-store.js';
import { sidecarServicesService } from '../../sidecar-services/sidecar-services-service.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

// biome-ignore lint/suspicious/noExplicitAny: example documents are edited as plain JSON.
export type Doc = Record<string, any>;

export function example(file: string): Doc {
  return parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as Doc;
}

export interface ExamplesEnvironment {
  cluster: TestCluster;
  client: KubeClient;
  store: PolicyStore;
  /** The agents namespace of this suite. */
  ns: string;
  /** The EU-only DataResidencyPolicy (cluster-scoped) of this suite. */
  policyName: string;
  /** The agent's mirror ConfigMap policy, once `check` holds. */
  mirrored(agent: string, check?: (policy: EffectivePolicy) => boolean): Promise<EffectivePolicy>;
  routeStatus(
    name: string,
    check: (status: NonNullable<FallbackRoute['status']>) => boolean,
  ): Promise<NonNullable<FallbackRoute['status']>>;
  residencyStatus(
    check: (status: NonNullable<DataResidencyPolicy['status']>) => boolean,
  ): Promise<NonNullable<DataResidencyPolicy['status']>>;
  stop(): Promise<void>;
}

export async function startExamplesEnvironment(identity: string): Promise<ExamplesEnvironment> {
  const suffix = randomBytes(3).toString('hex');
  const ns = `agents-${suffix}`;
  const policyName = `eu-only-${suffix}`;
  const zoneLabel = `e2e.governor.agents.dev/zone-${suffix}`;
  const inNamespace = (doc: Doc): Doc => ({ ...doc, metadata: { ...doc.metadata, namespace: ns } });

  const cluster = await testCluster();
  await installCrds(cluster);
  const connection = kubeconfigConnection(cluster.kubeconfig);
  const transport = new ApiTransport(connection);
  const client = createKubeClient(transport);

  await client.create(namespaces, {
    // Not the example's data-zone label: the example residency policy, applied by other suites on
    // the shared cluster, selects it and would apply here too.
    metadata: { name: ns, labels: { 'governor.agents.dev/inject': 'true', [zoneLabel]: 'eu' } },
  });
  const residency = example('data-residency-eu-only.yaml');
  residency.metadata.name = policyName;
  // Only this suite's namespace: other suites on the shared cluster keep their own policies.
  residency.spec.namespaceSelector = { matchLabels: { [zoneLabel]: 'eu' } };
  residency.spec.auditInterval = '2s';
  await client.create(dataResidencyPolicies, residency as DataResidencyPolicy);
  await client.create(fallbackRoutes, inNamespace(example('fallback-route-gpt-4o.yaml')) as FallbackRoute);
  await client.create(tokenBudgets, inNamespace(example('token-budget-marketing-daily.yaml')) as never);
  await client.create(agentSLOs, inNamespace(example('agent-slo-support.yaml')) as never);
  await client.create(
    deployments,
    inNamespace(example('agents/marketing-agent-deployment.yaml')) as KubeObject,
  );
  await client.create(
    deployments,
    inNamespace(example('agents/support-agent-deployment.yaml')) as KubeObject,
  );
  await client.create(cronJobs, inNamespace(example('agents/report-cronjob.yaml')) as KubeObject);

  const store = new PolicyStore();
  const operator: Operator = await startOperator({
    connection,
    namespace: `governor-${suffix}`,
    identity,
    controllers: [policyCompilerController({ store }), fallbackRouteController, dataResidencyController],
    services: [
      sidecarServicesService({ store, host: '127.0.0.1', port: 0, mirrorDebounceMs: 50, restore: false }),
    ],
    leaderElection: false,
    metrics: false,
    health: false,
    log: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
  });

  return {
    cluster,
    client,
    store,
    ns,
    policyName,
    mirrored: (agent, check = () => true) =>
      eventually(`the policy mirror of ${ns}/${agent}`, async () => {
        const configMap = await client.get(configMaps, { namespace: ns, name: `governor-policy-${agent}` });
        if (!configMap) return undefined;
        const read = policyInConfigMap(configMap);
        return read.ok && check(read.policy) ? read.policy : undefined;
      }),
    routeStatus: (name, check) =>
      eventually(`the status of FallbackRoute ${name}`, async () => {
        const route = await client.get(fallbackRoutes, { namespace: ns, name });
        return route?.status && check(route.status) ? route.status : undefined;
      }),
    residencyStatus: (check) =>
      eventually(
        `the status of DataResidencyPolicy ${policyName}`,
        async () => {
          const policy = await client.get(dataResidencyPolicies, { name: policyName });
          return policy?.status && check(policy.status) ? policy.status : undefined;
        },
        { timeoutMs: 45_000 },
      ),
    async stop() {
      await operator.stop();
      await client.delete(dataResidencyPolicies, { name: policyName });
      await client.delete(namespaces, { name: ns });
      await transport.close();
    },
  };
}
