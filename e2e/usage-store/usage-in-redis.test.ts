// Usage counted exactly once in the shared store: `agent-governor operator --usage-store redis`
// against a real redis-server (append-only file, fsync every second) and a real sidecar serving a
// steady stream of calls. Mid-traffic the operator is killed and started again, then the
// redis-server is stopped and started again; the sidecar spools and resends what was not
// acknowledged. Once traffic stops: the mock LLM's token count = the store's ledger = the
// TokenBudget's status, and no AgentUsageLedger was written to the API server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { eventually } from '../../testing/eventually.js';
import {
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  type OperatorCli,
  type SidecarCli,
  startOperatorCli,
  startSidecarCli,
} from '../../testing/governed-agents.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { RedisServer } from '../../testing/redis-server.js';
import { Agent, steadyTraffic } from '../operator-scenarios/agent-calls.js';
import { createSupportAgent } from '../operator-scenarios/support-agent.js';
import { assertCountedOnce } from './counted-once.js';

describe('usage in Redis across an operator kill and a store restart', { timeout: 300_000 }, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let redis: RedisServer;
  let store: UsageStore;
  let operator: OperatorCli;
  let sidecar: SidecarCli | undefined;
  const startOperator = (servicesPort?: number) =>
    startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'redis-operator',
      lease: 'agent-governor-leader',
      extra: ['--usage-store', 'redis', '--redis-url', redis.url],
      ...(servicesPort ? { servicesPort } : {}),
    });

  before(async () => {
    env = await governedAgents('inredis');
    mock = await startMockLlm({ chunkDelayMs: 2 });
    redis = await RedisServer.start({ appendfsync: 'everysec' });
    store = redisUsageStore(redisConnection({ url: redis.url }));
    await store.ready();
    await createSupportAgent(env, mock.baseUrl);
    operator = await startOperator();
    const policy = await mirroredPolicy(env.client, env.namespace, 'support', (p) => p.budgets.length === 1);
    sidecar = await startSidecarCli(env, 'support', operator.servicesUrl, policy);
  });

  after(async () => {
    await sidecar?.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await store?.close();
    await redis?.close();
    await mock?.close();
    await env?.close();
  });

  it('counts every served token once: mock LLM = store = budget status', async (t) => {
    const agent = new Agent('support', sidecar?.url ?? '', mock);
    const traffic = steadyTraffic(agent);
    const served = () => mock.served.length;
    const reportsFailed = () => (sidecar?.output().match(/"msg":"usage reporting"/g) ?? []).length;
    const ledgerKey = { namespace: env.namespace, name: ledgerName('support') };
    try {
      await eventually(
        'usage in the store',
        async () => ((await store.ledgers.get(ledgerKey))?.spec.totals.requests ?? 0) > 20 || undefined,
      );
      assert.equal(await operator.stop('SIGKILL'), 'SIGKILL');
      const failedBefore = reportsFailed();
      await eventually(
        'the sidecar to fail reporting usage',
        () => (reportsFailed() > failedBefore ? true : undefined),
        {
          timeoutMs: 15_000,
        },
      );
      operator = await startOperator(operator.servicesPort);
      const restartedAt = served();
      await eventually('calls served after the operator restart', () =>
        served() >= restartedAt + 40 ? true : undefined,
      );

      // The store goes away (SIGTERM: redis-server writes its append-only file) and comes back.
      await redis.stop();
      // The operator refuses usage posts (503) while the store is away: the sidecar keeps them in its spool.
      await eventually(
        'usage refused while the store is away',
        () => (operator.output().includes('usage not recorded') ? true : undefined),
        { timeoutMs: 30_000 },
      );
      await redis.restart();
      const backAt = served();
      await eventually('calls served after the store restart', () =>
        served() >= backAt + 40 ? true : undefined,
      );
    } finally {
      await traffic.stop();
    }
    assert.deepEqual(
      agent.answers.filter((a) => a.status !== 200),
      [],
      'every call was served',
    );
    const { calls, tokens } = await assertCountedOnce(env, store, mock, 'support');
    t.diagnostic(`${calls} calls, ${tokens} tokens served`);
  });
});
