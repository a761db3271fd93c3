// The whole chain of a TokenBudget, with nothing in-process but the test: `agent-governor operator`
// (every registered controller, the sidecar services) and one `agent-governor sidecar` per agent, in
// operator mode (ServiceAccount token, mounted policy, long-poll, usage reports), in front of the mock
// LLM, called with the official OpenAI SDK. Usage crosses 75 % → the budget goes Warning and both
// sidecars answer with the cheaper model; it crosses 100 % → the non-critical agent is refused (429
// naming the budget), its Deployment scaled to 0 and its CronJob suspended, while the critical agent
// is degraded, never scaled, never refused. The budget's status counts exactly the tokens the mock
// LLM served. Enforcement latency is asserted with a generous bound; bench/operator-scale.ts measures it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tokenBudgets } from '../../agents/governor-resources.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import {
  SUSPENDED_BY_ANNOTATION,
  SUSPENDED_REPLICAS_ANNOTATION,
} from '../../controllers/token-budget/suspend-plan.js';
import { cronJobs, deployments, events } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import {
  createMarketingAgents,
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
import { Agent, type AgentAnswer, servedTokens } from './agent-calls.js';

const LIMIT = 20_000;
/** Generous for a loaded CI machine; the benchmark measures the 1 s target. */
const ENFORCEMENT_BOUND_MS = 3_000;

describe('a TokenBudget enforced end to end by real operator and sidecar processes', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  const sidecars: SidecarCli[] = [];
  let writer: Agent;
  let support: Agent;
  const budgetKey = () => ({ namespace: env.namespace, name: 'marketing-daily' });

  before(async () => {
    env = await governedAgents('chain');
    mock = await startMockLlm();
    const ns = env.namespace;
    await createMarketingAgents(env.client, ns);
    await createRouteAndBudget(
      env.client,
      mockRoute(ns, {
        name: 'gpt-4o',
        model: 'gpt-4o',
        degradeTo: 'gpt-4o-mini',
        baseUrl: mock.baseUrl,
        team: 'marketing',
      }),
      teamBudget(ns, { name: 'marketing-daily', team: 'marketing', tokens: LIMIT, route: 'gpt-4o' }),
    );
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'chain-operator',
      lease: 'agent-governor-leader',
    });
    const ready = (p: { routes: unknown[]; budgets: { phase: string }[] }) =>
      p.routes.length === 1 && p.budgets.length === 1 && p.budgets[0]?.phase === 'Active';
    for (const agent of ['writer', 'support']) {
      const policy = await mirroredPolicy(env.client, ns, agent, ready);
      sidecars.push(await startSidecarCli(env, agent, operator.servicesUrl, policy));
    }
    writer = new Agent('writer', sidecars[0]?.url ?? '', mock);
    support = new Agent('support', sidecars[1]?.url ?? '', mock);
  });

  after(async () => {
    for (const sidecar of sidecars) await sidecar.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.close();
  });

  const budget = async () => {
    const found = await env.client.get(tokenBudgets, budgetKey());
    assert.ok(found, 'the TokenBudget exists');
    return found;
  };
  /** Polls the budget until `holds`; resolves with it and when (performance.now()) it was seen. */
  const budgetWhere = async (what: string, holds: (b: TokenBudget) => boolean, timeoutMs = 30_000) =>
    eventually(
      `TokenBudget ${what}`,
      async () => {
        const found = await budget();
        return holds(found) ? { budget: found, seenAt: performance.now() } : undefined;
      },
      { timeoutMs, intervalMs: 25 },
    );
  /** Calls through `agent` every `everyMs` until an answer satisfies `wanted` (bounded). */
  const callUntil = async (agent: Agent, wanted: (a: AgentAnswer) => boolean, timeoutMs: number) => {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const answer = await agent.chat(10);
      if (wanted(answer)) return answer;
      await sleep(50);
    }
    throw new Error(
      `${agent.name}: no wanted answer in ${timeoutMs} ms; last: ${JSON.stringify(agent.answers.at(-1))}`,
    );
  };
  const degraded = (a: AgentAnswer) => a.status === 200 && a.servedModel === 'gpt-4o-mini';

  it('Active: each agent gets the model it asks for', async () => {
    for (const agent of [writer, support]) {
      const answer = await agent.chat(20);
      assert.equal(answer.status, 200, `${agent.name}: ${answer.errorMessage}`);
      assert.equal(answer.servedModel, 'gpt-4o');
      assert.doesNotMatch(answer.decision, /degraded/);
    }
    assert.equal((await budget()).status?.phase, 'Active');
  });

  it('over 75 %: Warning, and both sidecars answer with the cheaper model soon after', async (t) => {
    // The writer spends; the support agent's sidecar knows only what the operator pushes.
    for (let i = 0; i < 40 && servedTokens(mock) < 0.78 * LIMIT; i++) {
      const answer = await writer.chat(1_000);
      assert.equal(answer.status, 200, `writer: ${answer.errorMessage}`);
    }
    assert.ok(servedTokens(mock) >= 0.78 * LIMIT);
    assert.ok(servedTokens(mock) < LIMIT);

    const [warning, firstDegraded] = await Promise.all([
      budgetWhere('Warning', (b) => b.status?.phase === 'Warning'),
      callUntil(support, degraded, 30_000),
    ]);
    const latencyMs = firstDegraded.answeredAt - warning.seenAt;
    t.diagnostic(
      `status Warning → first degraded answer of the other agent's sidecar: ${Math.round(latencyMs)} ms`,
    );
    assert.ok(
      latencyMs <= ENFORCEMENT_BOUND_MS,
      `the support sidecar degraded ${Math.round(latencyMs)} ms after the status changed`,
    );
    assert.match(firstDegraded.decision, /degraded:gpt-4o-mini/);
    assert.deepEqual(warning.budget.status?.activeActions, ['Alert', 'Degrade']);
    assert.equal(warning.budget.status?.percent !== undefined && warning.budget.status.percent >= 75, true);

    const next = await writer.chat(10);
    assert.ok(degraded(next), `the writer's next call is degraded: ${JSON.stringify(next)}`);
    assert.match(next.decision, /degraded:gpt-4o-mini/);
    const writerDeployment = await env.client.get(deployments, { namespace: env.namespace, name: 'writer' });
    assert.equal(writerDeployment?.spec?.replicas, 2, 'Warning suspends nothing');
  });

  it('over 100 %: the non-critical agent is refused and suspended, the critical one only degraded', async (t) => {
    // The critical agent is never refused, so its traffic is what pushes the budget over.
    for (let i = 0; i < 40 && servedTokens(mock) < 1.02 * LIMIT; i++) {
      const answer = await support.chat(1_000);
      assert.ok(degraded(answer), `support: ${JSON.stringify(answer)}`);
    }
    const exhausted = await budgetWhere('Exhausted', (b) => b.status?.phase === 'Exhausted');
    const refused = await callUntil(
      writer,
      (a) => a.status === 429 && a.errorCode === 'budget_exhausted',
      30_000,
    );
    const latencyMs = refused.answeredAt - exhausted.seenAt;
    t.diagnostic(
      `status Exhausted → first 429 of the non-critical agent's sidecar: ${Math.round(latencyMs)} ms`,
    );
    assert.ok(latencyMs <= ENFORCEMENT_BOUND_MS, `the writer was refused ${Math.round(latencyMs)} ms after`);
    const budgetName = `${env.namespace}/marketing-daily`;
    assert.match(refused.errorMessage ?? '', new RegExp(`Token budget "${budgetName}" is exhausted`));
    for (const answer of writer.answers.filter((a) => a.status !== 200)) {
      assert.equal(answer.status, 429);
      assert.ok(
        answer.errorMessage?.includes(budgetName),
        `a refusal names the budget: ${answer.errorMessage}`,
      );
      assert.equal(answer.servedModel, undefined, 'a refused call never reaches the provider');
    }

    const held = await eventually('the writer Deployment scaled to 0', async () => {
      const d = await env.client.get(deployments, { namespace: env.namespace, name: 'writer' });
      return d?.spec?.replicas === 0 ? d : undefined;
    });
    assert.equal(held.metadata?.annotations?.[SUSPENDED_REPLICAS_ANNOTATION], '2');
    await eventually('the digest CronJob suspended', async () =>
      (await env.client.get(cronJobs, { namespace: env.namespace, name: 'digest' }))?.spec?.suspend === true
        ? true
        : undefined,
    );
    await eventually('an Event telling the scale-down', async () =>
      (await env.client.list(events, { namespace: env.namespace })).some(
        (e) => e.reason === 'ScaledToZero' && e.regarding?.name === 'writer',
      ),
    );

    const after = await support.chat(10);
    assert.ok(degraded(after), `the critical agent is degraded, not refused: ${JSON.stringify(after)}`);
    assert.match(after.decision, /critical:exhausted/);
    assert.deepEqual(
      support.answers.filter((a) => a.status !== 200),
      [],
      'the critical agent was never refused',
    );
    const critical = await env.client.get(deployments, { namespace: env.namespace, name: 'support' });
    assert.equal(critical?.spec?.replicas, 3, 'the critical agent is never scaled');
    assert.equal(critical?.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION], undefined);

    const table = await env.cluster.kubectl(['get', 'tokenbudgets', '-n', env.namespace], { check: true });
    assert.match(table.stdout, /marketing-daily\s.*Exhausted/);
  });

  it('the status counts exactly the tokens the mock LLM served', async () => {
    // SIGTERM: calls in flight finish and every recorded usage is sent before the sidecars exit.
    for (const sidecar of sidecars) assert.equal(await sidecar.stop('SIGTERM'), 0, sidecar.output());
    const served = servedTokens(mock);
    const { budget: counted } = await budgetWhere(
      `used.tokens = ${served}`,
      (b) => (b.status?.used?.tokens ?? 0) >= served,
    );
    assert.equal(counted.status?.used?.tokens, served);
    const byAgent = Object.fromEntries((counted.status?.agents ?? []).map((a) => [a.name, a.tokens]));
    assert.equal(byAgent['writer'], servedTokens(mock, 'writer'));
    assert.equal(byAgent['support'], servedTokens(mock, 'support'));
    assert.equal(byAgent['digest'], 0);
  });
});
