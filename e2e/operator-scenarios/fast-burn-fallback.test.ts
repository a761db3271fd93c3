// An AgentSLO's SwitchToFallback carried out end to end by real processes: `agent-governor operator`
// and an `agent-governor sidecar` in operator mode, in front of two mock LLMs, called with the
// official OpenAI SDK. The route's first target answers slowly, so the latency objective burns fast;
// the AgentSLO controller writes `status.switchedToFallback`, and every call the agent sends from one
// second after that status change on is answered by the second target. Fast calls dilute the slow
// ones until the fast burn clears; the switch holds for `switchBackAfter` more (the hysteresis of
// docs/adr/0040-fast-burn-switch-and-hysteresis.md) and then the calls go back to the first target.
// Both switches are Events on the AgentSLO and a gauge on the operator's /metrics.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { agentSLOs, fallbackRoutes } from '../../agents/governor-resources.js';
import { type AgentSLO, agentSLOSpec } from '../../apis/agent-slo.js';
import { fallbackRouteSpec } from '../../apis/fallback-route.js';
import { events } from '../../runtime/kube/resources.js';
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import {
  AGENT_SERVICE_ACCOUNT,
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  type OperatorCli,
  type SidecarCli,
  startOperatorCli,
  startSidecarCli,
} from '../../testing/governed-agents.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';

/** The promise: a switch reaches the sidecar's calls within a second of the status change. */
const SWITCH_BOUND_MS = 1_000;
const SLOW_MS = 1_200;
const SWITCH_BACK_AFTER = '3s';

interface Call {
  sentAt: number;
  answeredAt: number;
  status: number;
  target: string;
  decision: string;
}

describe('AgentSLO SwitchToFallback carried out by real operator and sidecar processes', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let first: MockLlm;
  let second: MockLlm;
  let operator: OperatorCli;
  let sidecar: SidecarCli;
  let openai: OpenAI;
  const calls: Call[] = [];
  const sloKey = () => ({ namespace: env.namespace, name: 'writer-latency' });

  before(async () => {
    env = await governedAgents('burn');
    first = await startMockLlm();
    second = await startMockLlm();
    const ns = env.namespace;
    await createWorkloads(env.client, {
      deployments: [
        agentDeployment(ns, 'writer', {
          replicas: 1,
          labels: { team: 'burn' },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ],
      cronJobs: [],
    });
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { namespace: ns, name: 'gpt-4o' },
      spec: fallbackRouteSpec.parse({
        agentSelector: { matchLabels: { team: 'burn' } },
        model: 'gpt-4o',
        targets: [
          { name: 'first', provider: 'OpenAI', endpoint: first.baseUrl, model: 'gpt-4o' },
          { name: 'second', provider: 'OpenAI', endpoint: second.baseUrl, model: 'gpt-4o' },
        ],
      }),
    });
    await env.client.create(agentSLOs, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentSLO',
      metadata: { namespace: ns, name: 'writer-latency' },
      spec: agentSLOSpec.parse({
        agentSelector: { matchLabels: { team: 'burn' } },
        window: '1d',
        objectives: { latency: { threshold: '1s', target: '99' } },
        onFastBurn: {
          actions: ['SwitchToFallback'],
          fallbackRouteRef: { name: 'gpt-4o' },
          switchBackAfter: SWITCH_BACK_AFTER,
        },
      }),
    });
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'burn-operator',
      lease: 'agent-governor-leader',
    });
    const policy = await mirroredPolicy(
      env.client,
      ns,
      'writer',
      (p) => p.routes.length === 1 && p.slos.length === 1,
    );
    sidecar = await startSidecarCli(env, 'writer', operator.servicesUrl, policy);
    openai = new OpenAI({
      baseURL: `${sidecar.url}/v1`,
      apiKey: 'agent-has-no-provider-key',
      maxRetries: 0,
      timeout: 15_000,
    });
  });

  after(async () => {
    await sidecar?.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await first?.close();
    await second?.close();
    await env?.close();
  });

  const chat = async (): Promise<Call> => {
    const sentAt = performance.now();
    const { response } = await openai.chat.completions
      .create({
        model: 'gpt-4o',
        max_tokens: 20,
        messages: [{ role: 'user', content: `writer ${randomBytes(4).toString('hex')} why` }],
      })
      .withResponse();
    const call = {
      sentAt,
      answeredAt: performance.now(),
      status: response.status,
      target: response.headers.get('x-governor-target') ?? '',
      decision: response.headers.get('x-governor-decision') ?? '',
    };
    calls.push(call);
    return call;
  };
  /** Sends a call every `everyMs` (not waiting for answers) until `stop()`; resolves with all of them. */
  const steadyTraffic = (everyMs: number) => {
    let running = true;
    const sent: Promise<Call>[] = [];
    const loop = (async () => {
      while (running) {
        sent.push(chat());
        await sleep(everyMs);
      }
    })();
    return {
      async stop(): Promise<Call[]> {
        running = false;
        await loop;
        return Promise.all(sent);
      },
    };
  };
  const slo = async (): Promise<AgentSLO> => {
    const found = await env.client.get(agentSLOs, sloKey());
    assert.ok(found, 'the AgentSLO exists');
    return found;
  };
  const sloWhere = (what: string, holds: (s: AgentSLO) => boolean, timeoutMs = 60_000) =>
    eventually(
      `AgentSLO ${what}`,
      async () => {
        const found = await slo();
        return holds(found) ? { slo: found, seenAt: performance.now() } : undefined;
      },
      { timeoutMs, intervalMs: 20 },
    );
  const operatorGauge = async () => {
    const text = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('governor_operator_slo_fallback_active{') &&
          l.includes(`namespace="${env.namespace}"`) &&
          l.includes('name="writer-latency"'),
      );
    return line?.split(' ').at(-1);
  };

  it('before any burn: calls go to the first target', async () => {
    const call = await chat();
    assert.equal(call.status, 200);
    assert.equal(call.target, 'first');
    assert.doesNotMatch(call.decision, /switched-to-fallback/);
  });

  it('slow answers burn the latency budget fast; within 1 s of the status change calls go to the second target', async (t) => {
    first.always = { kind: 'delay', ms: SLOW_MS };
    const traffic = steadyTraffic(100);
    const switched = await sloWhere(
      'switched to fallback',
      (s) => s.status?.switchedToFallback !== undefined,
    );
    await sleep(SWITCH_BOUND_MS + 1_000);
    const sent = await traffic.stop();
    assert.equal(switched.slo.status?.fastBurn, true);

    const firstToSecond = sent.find((c) => c.target === 'second');
    assert.ok(firstToSecond, 'some call went to the second target');
    t.diagnostic(
      `status switchedToFallback seen by the test's 20 ms poll → first call sent that the second target answered (negative: the sidecar switched before the poll saw it): ${Math.round(firstToSecond.sentAt - switched.seenAt)} ms`,
    );
    const late = sent.filter((c) => c.sentAt >= switched.seenAt + SWITCH_BOUND_MS);
    assert.ok(late.length >= 5, `calls were sent after the bound (${late.length})`);
    for (const call of late) {
      assert.equal(call.status, 200);
      assert.equal(
        call.target,
        'second',
        `a call sent ${Math.round(call.sentAt - switched.seenAt)} ms after the switch`,
      );
      assert.match(call.decision, /switched-to-fallback/);
    }
    const event = await eventually('the SwitchedToFallback Event', async () =>
      (await env.client.list(events, { namespace: env.namespace })).find(
        (e) => e.reason === 'SwitchedToFallback' && e.regarding?.name === 'writer-latency',
      ),
    );
    assert.match(event.note ?? '', /route gpt-4o/);
    assert.equal(await operatorGauge(), '1');
  });

  it('after the fast burn clears the switch holds for switchBackAfter, then calls go back to the first target', async (t) => {
    first.always = undefined;
    // Fast answers (from the second target) dilute the slow ones until both windows are under 14.4×.
    const traffic = steadyTraffic(40);
    const cleared = await sloWhere('fast burn cleared', (s) => s.status?.fastBurn === false, 120_000);
    assert.ok(cleared.slo.status?.switchedToFallback, 'still switched when fast burn clears');
    const back = await sloWhere('switched back', (s) => s.status?.switchedToFallback === undefined, 30_000);
    await sleep(SWITCH_BOUND_MS + 500);
    const sent = await traffic.stop();
    const dwellMs = back.seenAt - cleared.seenAt;
    t.diagnostic(
      `fast burn cleared → switched back: ${Math.round(dwellMs)} ms (switchBackAfter ${SWITCH_BACK_AFTER})`,
    );
    assert.ok(dwellMs >= 2_500, `the switch was lifted ${Math.round(dwellMs)} ms after fast burn cleared`);

    const heldMs = 2_000;
    const dwelling = sent.filter((c) => c.sentAt > cleared.seenAt && c.sentAt < cleared.seenAt + heldMs);
    assert.ok(dwelling.length > 0);
    for (const call of dwelling)
      assert.equal(call.target, 'second', 'calls stay on the second target during the dwell');
    const late = sent.filter((c) => c.sentAt >= back.seenAt + SWITCH_BOUND_MS);
    assert.ok(late.length >= 5, `calls were sent after the bound (${late.length})`);
    for (const call of late) {
      assert.equal(call.target, 'first');
      assert.doesNotMatch(call.decision, /switched-to-fallback/);
    }
    await eventually('the SwitchedBack Event', async () =>
      (await env.client.list(events, { namespace: env.namespace })).find(
        (e) => e.reason === 'SwitchedBack' && e.regarding?.name === 'writer-latency',
      ),
    );
    assert.equal(await operatorGauge(), '0');
  });
});
