// What the budget and SLO suites share: the operator runtime in this process with the TokenBudget
// and AgentSLO controllers and an injectable clock, agent workloads to act on, ledgers written the
// way usage ingest writes them (apis/ledger/apply-batch.ts + a PUT with the resourceVersion read),
// and a local alert receiver on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { agentUsageLedgers } from '../agents/governor-resources.js';
import { AGENT_LABEL, API_VERSION, CRITICALITY_LABEL } from '../apis/group-version.js';
import { applyBatch } from '../apis/ledger/apply-batch.js';
import { emptyLedger, ledgerName } from '../apis/ledger/ledger-name.js';
import { LATENCY_BUCKETS_MS, type UsageEntry } from '../apis/usage-batch.js';
import { agentSLOController } from '../controllers/agent-slo/agent-slo-controller.js';
import { tokenBudgetController } from '../controllers/token-budget/token-budget-controller.js';
import { isConflict } from '../runtime/kube/api-error.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../runtime/kube/kubeconfig-file.js';
import { cronJobs, deployments } from '../runtime/kube/resources.js';
import { type Operator, startOperator } from '../runtime/manager/operator-runtime.js';

const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** A clock the test moves (period resets) while the operator runs. */
export class TestClock {
  offsetMs = 0;
  readonly now = () => new Date(Date.now() + this.offsetMs);
  /** Moves the clock so that it reads `at` now. */
  moveTo(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}

export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export function startControllers(kubeconfig: string, namespace: string, clock: TestClock): Promise<Operator> {
  return startOperator({
    connection: kubeconfigConnection(kubeconfig),
    namespace,
    identity: `budget-test-${randomBytes(2).toString('hex')}`,
    controllers: [
      tokenBudgetController({ maxRequeueMs: 500, delivery: { firstBackoffMs: 20, attempts: 3 } }),
      agentSLOController({ periodMs: 500, crdRecheckMs: 500 }),
    ],
    leaderElection: false,
    metrics: { host: '127.0.0.1', port: 0 },
    health: false,
    log,
    now: clock.now,
    shutdownTimeoutMs: 5_000,
  });
}

export function agentDeployment(
  namespace: string,
  name: string,
  options: {
    replicas: number;
    labels: Record<string, string>;
    critical?: boolean;
    /** The pod template's serviceAccountName (the sidecar services bind the agent to it); default none. */
    serviceAccountName?: string;
  },
) {
  const labels = {
    app: name,
    [AGENT_LABEL]: name,
    ...options.labels,
    ...(options.critical ? { [CRITICALITY_LABEL]: 'critical' } : {}),
  };
  return {
    metadata: { namespace, name },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
          containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
        },
      },
    },
  } as Parameters<KubeClient['create']>[1];
}

export function agentCronJob(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  serviceAccountName?: string,
) {
  return {
    metadata: { namespace, name },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        spec: {
          template: {
            metadata: { labels: { [AGENT_LABEL]: name, ...labels } },
            spec: {
              ...(serviceAccountName ? { serviceAccountName } : {}),
              restartPolicy: 'Never',
              containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
            },
          },
        },
      },
    },
  } as Parameters<KubeClient['create']>[1];
}

export async function createWorkloads(
  client: KubeClient,
  objects: { deployments: object[]; cronJobs: object[] },
) {
  for (const d of objects.deployments) await client.create(deployments, d as never);
  for (const c of objects.cronJobs) await client.create(cronJobs, c as never);
}

/** One usage entry of `calls` calls in the minute of `at`. */
export function usageEntry(
  at: Date,
  options: { tokens?: number; calls?: number; failed?: number; useCase?: string },
) {
  const calls = options.calls ?? 1;
  const failed = options.failed ?? 0;
  const latency = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  latency[3] = calls; // ≤ 500 ms
  const tokens = options.tokens ?? 0;
  const entry: UsageEntry = {
    minute: new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString(),
    model: 'gpt-4o-mini',
    ...(options.useCase ? { useCase: options.useCase } : {}),
    requests: calls,
    inputTokens: Math.ceil(tokens / 2),
    outputTokens: Math.floor(tokens / 2),
    cachedInputTokens: 0,
    estimatedTokens: 0,
    costMicros: 0,
    outcomes: { Success: calls - failed, ...(failed > 0 ? { ServerError: failed } : {}) },
    latencyBuckets: latency,
  };
  return entry;
}

let sequence = 0;

/** Records usage in an agent's ledger as usage ingest does: apply the batch, PUT with the resourceVersion read. */
export async function recordUsage(
  client: KubeClient,
  namespace: string,
  agent: string,
  entries: UsageEntry[],
  now: Date,
): Promise<void> {
  const key = { namespace, name: ledgerName(agent) };
  for (let attempt = 0; attempt < 20; attempt++) {
    const found = await client.get(agentUsageLedgers, key);
    sequence++;
    const batch = {
      apiVersion: 'governor.agents.dev/v1alpha1' as const,
      kind: 'UsageBatch' as const,
      agent: { namespace, name: agent },
      instance: 'test-sidecar',
      sequence,
      sentAt: now.toISOString(),
      entries,
    };
    const applied = applyBatch(found?.spec ?? emptyLedger(agent), batch, now);
    try {
      if (found) await client.update(agentUsageLedgers, { ...found, spec: applied.ledger });
      else
        await client.create(agentUsageLedgers, {
          apiVersion: API_VERSION,
          kind: 'AgentUsageLedger',
          metadata: { ...key, labels: { [AGENT_LABEL]: agent } },
          spec: applied.ledger,
        });
      return;
    } catch (err) {
      if (!isConflict(err) && !String((err as Error).message).includes('already exists')) throw err;
    }
  }
  throw new Error(`could not record usage of ${namespace}/${agent} in 20 attempts`);
}

export interface ReceivedAlert {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain-HTTP alert receiver on 127.0.0.1; answers `status()` (200 by default). */
export async function startAlertReceiver(): Promise<{
  url: string;
  received: ReceivedAlert[];
  status: { code: number };
  close(): Promise<void>;
}> {
  const received: ReceivedAlert[] = [];
  const status = { code: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (status.code === 200)
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status.code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    status,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
