// What the scale benchmark runs against, every part real and in a process of its own: a control
// plane (kube-apiserver + etcd, testing/test-cluster.ts), Debian's redis-server (AOF everysec), the
// operator as leader with `--sidecar-services-external --usage-store redis` (it compiles policies,
// reads the budget's usage from the store and writes the policy mirrors), and `replicas` ×
// `agent-governor services --usage-store redis` (HTTPS on loopback, the certificate from files), as
// the chart runs them. One namespace holds `agents` agent Deployments (replicas 0: the simulated
// sidecars stand for their pods) running as ServiceAccount `agent`, and one TokenBudget over all of
// them with thresholds at 75 % (Warning) and 100 % (Exhausted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenBudgets } from '../../agents/governor-resources.js';
import { tokenBudgetSpec } from '../../apis/token-budget.js';
import { leanProcessEnvironment, OPERATOR_NODE_FLAGS } from '../../cli/node-flags.js';
import { deployments } from '../../runtime/kube/resources.js';
import { agentDeployment } from '../../testing/budget-fixture.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { operatorCommandLine } from '../../testing/operator-command-line.js';
import { RedisServer } from '../../testing/redis-server.js';
import {
  agentToken,
  type ServicesEnv,
  servicesEnv,
  uniqueNamespace,
} from '../../testing/services-fixture.js';
import {
  type ServicesReplica,
  startServicesReplica,
  writeLoopbackCertificate,
} from '../../testing/services-replica.js';

export const BUDGET_NAME = 'scale-daily';

export interface ScaleCluster {
  env: ServicesEnv;
  redis: RedisServer;
  operator: CliProcess;
  replicas: ServicesReplica[];
  namespace: string;
  agents: string[];
  /** `namespace/name` of the TokenBudget, as policies name it. */
  budget: string;
  /** The ServiceAccount token (audience agent-governor) every simulated sidecar presents. */
  token: string;
  /** The CA the replicas' certificate is verified against. */
  ca: string;
  close(): Promise<void>;
}

export async function startScaleCluster(options: {
  agents: number;
  replicas: number;
  maxWaiters: number;
  limitTokens: number;
  /** The replicas' `--budget-lease-seconds`; default theirs (5). */
  leaseSeconds?: number;
  /**
   * A directory for CPU profiles of the replicas and the operator (`node --cpu-prof`, written when
   * they exit: close() then stops them with SIGTERM instead of SIGKILL); none: not profiled.
   */
  cpuProfileDir?: string;
}): Promise<ScaleCluster> {
  const profiling = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const env = await servicesEnv();
  const redis = await RedisServer.start({ appendfsync: 'everysec' });
  const namespace = uniqueNamespace('bench-scale');
  const operatorNamespace = `${namespace}-op`;
  const certDir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  const token = await agentToken(env.cluster, namespace);
  await env.cluster.kubectl(['create', 'namespace', operatorNamespace], { check: true });
  const agents = Array.from({ length: options.agents }, (_, i) => `agent-${i}`);
  for (const agent of agents) {
    await env.client.create(
      deployments,
      agentDeployment(namespace, agent, {
        replicas: 0,
        labels: { team: 'scale' },
        serviceAccountName: 'agent',
      }) as never,
    );
  }
  await env.client.create(tokenBudgets, {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'TokenBudget',
    metadata: { namespace, name: BUDGET_NAME },
    spec: tokenBudgetSpec.parse({
      agentSelector: { matchLabels: { team: 'scale' } },
      period: { reset: 'Daily', timeZone: 'UTC' },
      limits: { tokens: options.limitTokens, currency: 'USD' },
      thresholds: [
        { percent: 75, actions: ['Alert'] },
        { percent: 100, actions: ['Alert'] },
      ],
    }),
  } as never);
  const store = ['--usage-store', 'redis', '--redis-url', redis.url, '--log-level', 'warn'];
  const operator = await startCliProcess(
    operatorCommandLine({
      kubeconfig: env.cluster.kubeconfig,
      namespace: operatorNamespace,
      leaseName: 'bench-scale-leader',
      extra: ['--sidecar-services-external', '--sidecar-services-insecure-plain-http', ...store],
    }),
    /agent-governor operator started as/,
    // As the operator re-executes itself in its image (cli/node-flags.ts); Node 20 cannot, so passed.
    {
      timeoutMs: 60_000,
      nodeArgs: [...OPERATOR_NODE_FLAGS, ...profiling],
      env: leanProcessEnvironment({}),
    },
  );
  const ca = await writeLoopbackCertificate(certDir);
  const replicas = await Promise.all(
    Array.from({ length: options.replicas }, () =>
      startServicesReplica({
        kubeconfig: env.cluster.kubeconfig,
        namespace: operatorNamespace,
        certDir,
        extra: [
          '--max-long-poll-waiters',
          String(options.maxWaiters),
          ...(options.leaseSeconds ? ['--budget-lease-seconds', String(options.leaseSeconds)] : []),
          ...store,
        ],
        nodeArgs: profiling,
      }),
    ),
  );
  return {
    env,
    redis,
    operator,
    replicas,
    namespace,
    agents,
    budget: `${namespace}/${BUDGET_NAME}`,
    token,
    ca,
    async close() {
      // A profiled process writes its profile as it exits: let it exit.
      const signal = options.cpuProfileDir ? 'SIGTERM' : 'SIGKILL';
      await Promise.allSettled([...replicas.map((r) => r.process.stop(signal)), operator.stop(signal)]);
      await redis.close();
      rmSync(certDir, { recursive: true, force: true });
      await env.cluster.kubectl(['delete', 'namespace', namespace, operatorNamespace, '--wait=false']);
    },
  };
}
