// Budget leases against a real redis-server, the real API server and operator, and four real
// sidecar processes of one agent hammering one small budget (docs/adr/0062-budget-leases.md). Each
// sidecar admits calls against its slice of the budget; slices come from the lease book in Redis.
// Checked: the tokens the mock LLM served exceed the limit by no more than the calls in flight times
// their reservation — far below what the sidecars' own counts alone allow, (N − 1) · (L − U) — the
// budget is used (not starved), and every served token is counted once: the mock's count = the
// store's ledger = the TokenBudget's status, after the sidecars drained and gave their slices back.
// Counting across an operator kill and a store restart with leases on is usage-in-redis.test.ts's
// (every call served, counted once): while the store is away each sidecar falls back to its own
// counts (docs/adr/0062-budget-leases.md), so no lease bound is claimed across an outage.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tokenBudgets } from '../../agents/governor-resources.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { estimateInputTokens } from '../../sidecar/accounting/input-estimate.js';
import { requestText } from '../../sidecar/accounting/request-text.js';
import { redisConnection } from '../../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../../sidecar-services/usage-store/redis-usage-store.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import {
  AGENT_SERVICE_ACCOUNT,
  createRouteAndBudget,
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  mockRoute,
  type OperatorCli,
  type SidecarCli,
  startOperatorCli,
  startSidecarCli,
  teamBudget,
} from '../../testing/governed-agents.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { RedisServer } from '../../testing/redis-server.js';
import { Agent, servedTokens } from '../operator-scenarios/agent-calls.js';

const LIMIT = 20_000;
const SIDECARS = 4;
const LANES = 4;
const WORDS = 20;
/** The Agent's calls ask for at most 50 output tokens. */
const MAX_OUTPUT = 50;

describe('budget leases: four sidecars of one agent on one small budget', { timeout: 300_000 }, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let redis: RedisServer;
  let store: UsageStore;
  let operator: OperatorCli;
  const sidecars: SidecarCli[] = [];

  before(async () => {
    env = await governedAgents('leases');
    mock = await startMockLlm({ chunkDelayMs: 2 });
    redis = await RedisServer.start({ appendfsync: 'everysec' });
    store = redisUsageStore(redisConnection({ url: redis.url }));
    await store.ready();
    await createWorkloads(env.client, {
      deployments: [
        agentDeployment(env.namespace, 'support', {
          replicas: SIDECARS,
          labels: { team: 'support' },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ],
      cronJobs: [],
    });
    await createRouteAndBudget(
      env.client,
      mockRoute(env.namespace, {
        name: 'gpt-4o',
        model: 'gpt-4o',
        degradeTo: 'gpt-4o-mini',
        baseUrl: mock.baseUrl,
        team: 'support',
      }),
      teamBudget(env.namespace, { name: 'support-small', team: 'support', tokens: LIMIT, route: 'gpt-4o' }),
    );
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'leases-operator',
      lease: 'agent-governor-leader',
      extra: ['--usage-store', 'redis', '--redis-url', redis.url],
    });
    const policy = await mirroredPolicy(env.client, env.namespace, 'support', (p) => p.budgets.length === 1);
    for (let i = 0; i < SIDECARS; i++) {
      sidecars.push(
        await startSidecarCli(env, 'support', operator.servicesUrl, policy, join(env.dir, `spool-${i}`)),
      );
    }
  });

  after(async () => {
    for (const sidecar of sidecars) await sidecar.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await store?.close();
    await redis?.close();
    await mock?.close();
    await env?.close();
  });

  it('overshoots by at most the calls in flight, and counts every served token once', async (t) => {
    const agents = sidecars.map((s) => new Agent('support', s.url, mock));
    const began = performance.now();
    // Every lane calls until the budget has refused it for two seconds in a row (or a minute passed).
    const lane = async (agent: Agent) => {
      let refusedSince: number | undefined;
      while (performance.now() - began < 60_000) {
        const answer = await agent.chat(WORDS, { stream: agent.answers.length % 2 === 0 });
        if (answer.status === 200) {
          refusedSince = undefined;
          continue;
        }
        assert.equal(answer.status, 429, `${answer.errorCode}: ${answer.errorMessage}`);
        refusedSince ??= performance.now();
        if (performance.now() - refusedSince > 2_000) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await Promise.all(agents.flatMap((agent) => Array.from({ length: LANES }, () => lane(agent))));
    const leaseTrouble = sidecars.flatMap((s) =>
      s
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"budget leases"')),
    );
    t.diagnostic(
      `lease asks that failed (first of each streak): ${leaseTrouble.length}; ${leaseTrouble.slice(0, 3).join(' | ')}`,
    );
    const renewed = sidecars.reduce((n, s) => n + (s.output().match(/"lease-renewed"/g) ?? []).length, 0);
    t.diagnostic(`calls short of their slice that waited for its renewal and were served: ${renewed}`);
    // SIGTERM: each sidecar drains, delivers its usage and gives its slices back.
    for (const sidecar of sidecars) assert.equal(await sidecar.stop('SIGTERM'), 0);

    const served = servedTokens(mock);
    const answers = agents.flatMap((a) => a.answers);
    const codes = new Map<string, number>();
    for (const a of answers)
      codes.set(a.errorCode ?? String(a.status), (codes.get(a.errorCode ?? String(a.status)) ?? 0) + 1);
    // The reservation of one call: the sidecar's own input estimate of the prompt, plus max_tokens.
    const prompt = `support-call-000000000000 ${'why '.repeat(WORDS)}`;
    const reservation =
      estimateInputTokens(
        'chat.completions',
        requestText('chat.completions', { model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] }),
      ) + MAX_OUTPUT;
    const bound = SIDECARS * LANES * reservation;
    const withoutLeases = (SIDECARS - 1) * LIMIT;
    t.diagnostic(
      `${mock.served.length} calls served, ${served} tokens of ${LIMIT}: overshoot ${served - LIMIT} ` +
        `(bound ${SIDECARS * LANES} in flight × ${reservation} = ${bound}; without leases up to ${withoutLeases}); ` +
        `answers ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    assert.ok(served - LIMIT <= bound, `overshoot ${served - LIMIT} > ${bound}`);
    assert.ok(served >= LIMIT * 0.8, `the budget was starved: ${served} of ${LIMIT} tokens served`);

    const key = { namespace: env.namespace, name: 'support-small' };
    const counted = await eventually(
      `the budget to count ${served} tokens`,
      async () => {
        const used = (await env.client.get(tokenBudgets, key))?.status?.used?.tokens ?? 0;
        return used >= served ? used : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    assert.equal(counted, served, 'the budget status holds exactly the tokens served');
    const totals = (await store.ledgers.get({ namespace: env.namespace, name: ledgerName('support') }))?.spec
      .totals;
    assert.equal((totals?.inputTokens ?? 0) + (totals?.outputTokens ?? 0), served, 'the store holds them');

    const metrics = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    const granted = Number(
      /governor_operator_budget_leases_total\{result="granted"\} (\d+)/.exec(metrics)?.[1] ?? 0,
    );
    const released = Number(
      /governor_operator_budget_leases_total\{result="released"\} (\d+)/.exec(metrics)?.[1] ?? 0,
    );
    t.diagnostic(`leases granted ${granted}, released ${released}`);
    assert.ok(granted > 0, 'slices were granted');
    assert.equal(released, SIDECARS, 'every sidecar gave its slice back on SIGTERM');
  });
});
