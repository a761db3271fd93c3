// No token lost or counted twice when the operator dies with usage in flight: a real sidecar
// (`agent-governor sidecar`) serves a steady stream of calls — streamed and not — while the operator
// process (`agent-governor operator`) is killed with SIGKILL mid-traffic and started again (same
// identity, so it takes its Lease back at once; same sidecar-services port, as its Service would
// be). The sidecar keeps serving on its last policy, spools what it cannot report and resends it;
// once traffic stops and the spool drains, the TokenBudget's status holds exactly the tokens the mock
// LLM served.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentUsageLedgers, tokenBudgets } from '../../agents/governor-resources.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
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
import { Agent, servedTokens, steadyTraffic } from './agent-calls.js';
import { createSupportAgent } from './support-agent.js';

describe('usage in flight while the operator is killed and restarted', { timeout: 300_000 }, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  let sidecar: SidecarCli | undefined;

  before(async () => {
    env = await governedAgents('inflight');
    mock = await startMockLlm({ chunkDelayMs: 2 });
    await createSupportAgent(env, mock.baseUrl);
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'inflight-operator',
      lease: 'agent-governor-leader',
    });
    const policy = await mirroredPolicy(env.client, env.namespace, 'support', (p) => p.budgets.length === 1);
    sidecar = await startSidecarCli(env, 'support', operator.servicesUrl, policy);
  });

  after(async () => {
    await sidecar?.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.close();
  });

  it('counts every served token exactly once', async (t) => {
    const agent = new Agent('support', sidecar?.url ?? '', mock);
    const traffic = steadyTraffic(agent);
    const servedCalls = () => mock.served.length;
    try {
      await eventually('traffic before the kill', () => (servedCalls() >= 40 ? true : undefined));
      const killedAt = servedCalls();
      assert.equal(await operator.stop('SIGKILL'), 'SIGKILL');
      // Down long enough that the sidecar's reports (every 2 s) fail and pile up in its spool.
      await eventually(
        'the sidecar to fail reporting usage',
        () => (sidecar?.output().includes('"msg":"usage reporting"') ? true : undefined),
        { timeoutMs: 15_000 },
      );
      await eventually('calls served while the operator is down', () =>
        servedCalls() >= killedAt + 60 ? true : undefined,
      );
      operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
        identity: 'inflight-operator',
        lease: 'agent-governor-leader',
        servicesPort: operator.servicesPort,
      });
      const restartedAt = servedCalls();
      await eventually('calls served after the restart', () =>
        servedCalls() >= restartedAt + 40 ? true : undefined,
      );
    } finally {
      await traffic.stop();
    }
    assert.deepEqual(
      agent.answers.filter((a) => a.status !== 200),
      [],
      'every call was served while the operator was down',
    );
    assert.equal(agent.answers.length, mock.served.length);
    assert.ok(mock.served.some((c) => c.stream) && mock.served.some((c) => !c.stream));
    t.diagnostic(`${mock.served.length} calls, ${servedTokens(mock)} tokens served`);

    const served = servedTokens(mock);
    const key = { namespace: env.namespace, name: 'support-daily' };
    // The sidecar's resend backoff grew while the operator was down: allow for its longest step.
    const counted = await eventually(
      `the budget to count ${served} tokens`,
      async () => {
        const tokens = (await env.client.get(tokenBudgets, key))?.status?.used?.tokens ?? 0;
        return tokens >= served ? tokens : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    assert.equal(counted, served, 'the status holds exactly the tokens served');
    const ledger = await env.client.get(agentUsageLedgers, {
      namespace: env.namespace,
      name: ledgerName('support'),
    });
    const totals = ledger?.spec.totals;
    assert.equal((totals?.inputTokens ?? 0) + (totals?.outputTokens ?? 0), served);
    assert.equal(totals?.requests, mock.served.length);

    // A graceful stop sends nothing more: everything was acknowledged already.
    assert.equal(await sidecar?.stop('SIGTERM'), 0);
    sidecar = undefined;
    assert.equal((await env.client.get(tokenBudgets, key))?.status?.used?.tokens, served);
  });
});
