// Drift detected end to end by real processes (docs/adr/0056-drift-against-a-baseline.md): an
// `agent-governor sidecar` in front of the mock LLM reports the shape of each answer in its usage
// batches, the operator's ledger keeps it per minute, and an AgentSLO with spec.drift (window 1m,
// baseline the 10 minutes before) compares the two. A baseline of normal answers, then the mock
// answering 3× longer: within the window the AgentSLO status shows completionTokens drifting, a
// Warning Event DriftDetected, a signed POST on a local receiver and governor_agent_drift_score on
// the operator's /metrics. A re-ask in the baseline shows in the ledger and the reAskRate score.
// An EvaluationGate (Observe) gates the agent: Evaluate sets its evaluate-requested-at and says so in an Event.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  agentSLOs,
  agentUsageLedgers,
  evaluationGates,
  fallbackRoutes,
} from '../../agents/governor-resources.js';
import { agentSLOSpec } from '../../apis/agent-slo.js';
import { EVALUATE_REQUESTED_AT_ANNOTATION } from '../../apis/evaluation-gate.js';
import { fallbackRouteSpec } from '../../apis/fallback-route.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { verifyAlertSignature } from '../../controllers/token-budget/alert-signature.js';
import { events, secrets } from '../../runtime/kube/resources.js';
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

const SIGNING_SECRET = 'drift-signing-secret';
const WINDOW_MS = 60_000;
const NORMAL_REPLY = 'The quick brown fox jumps over the lazy dog.';

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

describe('drift of an agent’s answers detected by real operator and sidecar processes', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  let sidecar: SidecarCli;
  let receiver: Server;
  const received: Received[] = [];
  const sloKey = () => ({ namespace: env.namespace, name: 'writer-drift' });

  before(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/drift`;
    env = await governedAgents('drift');
    mock = await startMockLlm({ reply: NORMAL_REPLY });
    const ns = env.namespace;
    await createWorkloads(env.client, {
      deployments: [
        agentDeployment(ns, 'writer', {
          replicas: 1,
          labels: { team: 'drift' },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ],
      cronJobs: [],
    });
    await env.client.create(secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: ns, name: 'drift-signing' },
      data: { secret: Buffer.from(SIGNING_SECRET).toString('base64') },
    });
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { namespace: ns, name: 'gpt-4o' },
      spec: fallbackRouteSpec.parse({
        agentSelector: { matchLabels: { team: 'drift' } },
        model: 'gpt-4o',
        targets: [{ name: 'mock', provider: 'OpenAI', endpoint: mock.baseUrl, model: 'gpt-4o' }],
      }),
    });
    await env.client.create(agentSLOs, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentSLO',
      metadata: { namespace: ns, name: 'writer-drift' },
      spec: agentSLOSpec.parse({
        agentSelector: { matchLabels: { team: 'drift' } },
        window: '1d',
        objectives: { success: { target: '99' } },
        drift: {
          statistic: 'PSI',
          window: '1m',
          baseline: { last: '10m' },
          signals: ['promptTokens', 'completionTokens', 'finishReasons', 'reAskRate'],
          minSamples: 10,
          actions: ['Alert', 'Evaluate'],
          webhooks: [
            {
              name: 'receiver',
              url: receiverUrl,
              signingSecretRef: { name: 'drift-signing', key: 'secret' },
            },
          ],
        },
      }),
    });
    // The gate the Evaluate action asks to run again (Observe: it never holds the rollout here).
    await env.client.create(evaluationGates, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'EvaluationGate',
      metadata: { namespace: ns, name: 'writer' },
      spec: {
        agent: 'writer',
        corpus: { configMapRef: { name: 'writer-corpus', key: 'corpus.jsonl' } },
        criteria: { minPassRate: 0.9 },
        mode: 'Observe',
        timeout: '10m',
      },
    });
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'drift-operator',
      lease: 'agent-governor-leader',
    });
    const policy = await mirroredPolicy(env.client, ns, 'writer', (p) => p.routes.length === 1);
    sidecar = await startSidecarCli(env, 'writer', operator.servicesUrl, policy);
  });

  after(async () => {
    await sidecar?.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.close();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  const chat = async (question: string, conversation?: string) => {
    const res = await fetch(`${sidecar.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(conversation ? { 'x-governor-conversation-id': conversation } : {}),
      },
      body: JSON.stringify({
        model: 'gpt-4o',
        max_tokens: 200,
        messages: [{ role: 'user', content: question }],
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { usage: { completion_tokens: number } };
  };
  // Each question differs (no cache hit) yet reports the same 20 prompt tokens (a three-digit number
  // is one o200k token, the mock adds 3), in the 17–32 histogram bin with the re-asked question's 17
  // and 18: questions straddling a bin bound would drift the prompts by chance.
  let questionNumber = 100;
  const question = () =>
    `writer question ${questionNumber++} what is the weather like in the north of the country today please`;
  const slo = async () => {
    const found = await env.client.get(agentSLOs, sloKey());
    assert.ok(found, 'the AgentSLO exists');
    return found;
  };
  const writerDrift = async () => (await slo()).status?.drift?.agents.find((a) => a.agent === 'writer');

  it('a baseline of normal answers, a re-ask among them: scored, nothing drifts', async () => {
    const normal = await chat(question());
    for (let i = 0; i < 24; i++) await chat(question());
    const asked = 'how do I reset the password of my account on the billing portal please';
    await chat(asked, 'conversation-1');
    await chat(`${asked}?`, 'conversation-1');
    assert.ok(normal.usage.completion_tokens > 0);
    // The ledger keeps the shape of the answers, the re-ask with it.
    const ledger = await eventually('the ledger holds the answers’ shapes', async () => {
      const found = await env.client.get(agentUsageLedgers, {
        namespace: env.namespace,
        name: ledgerName('writer'),
      });
      const shapes = found?.spec.buckets.minutes.flatMap((b) => (b.shape ? [b.shape] : [])) ?? [];
      const calls = shapes.reduce((n, s) => n + s.completionTokens.reduce((a, b) => a + b, 0), 0);
      return calls >= 27 ? shapes : undefined;
    });
    assert.equal(
      ledger.reduce((n, s) => n + s.reAsks, 0),
      1,
      'the second question of conversation-1 is one re-ask',
    );
    assert.ok(ledger.every((s) => (s.finishReasons.Stop ?? 0) > 0));
    const drift = await writerDrift();
    assert.deepEqual(drift?.drifting ?? [], []);
  });

  it('the mock answers 3× longer: completionTokens drifts within the window, with an Event, a signed webhook and the gauge', async (t) => {
    // The window is the current minute: start the long answers in a fresh one, so the window holds
    // only them and the baseline only the normal ones.
    await sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 500);
    mock.reply = `${NORMAL_REPLY} ${NORMAL_REPLY} ${NORMAL_REPLY}`;
    const longStarted = Date.now();
    const traffic = (async () => {
      for (let i = 0; i < 15; i++) await chat(question());
    })();
    const drifting = await eventually(
      'AgentSLO status.drift shows writer’s completionTokens drifting',
      async () => {
        const d = await writerDrift();
        return d?.drifting.includes('completionTokens') ? d : undefined;
      },
      { timeoutMs: WINDOW_MS, intervalMs: 200 },
    );
    const detectedAfter = Date.now() - longStarted;
    await traffic;
    t.diagnostic(`first long answer → status.drift shows completionTokens drifting: ${detectedAfter} ms`);
    assert.ok(detectedAfter < WINDOW_MS, `detected ${detectedAfter} ms after the answers grew`);
    assert.ok(drifting.since, 'since is set');
    assert.ok(
      !drifting.drifting.includes('promptTokens'),
      `the prompts did not change: ${JSON.stringify(drifting.scores)}`,
    );
    const completion = drifting.scores.find((s) => s.signal === 'completionTokens');
    assert.ok(Number(completion?.score) >= 0.25, `completionTokens PSI ${completion?.score}`);
    const condition = (await slo()).status?.conditions?.find((c) => c.type === 'Drifting');
    assert.equal(condition?.status, 'True');

    const event = await eventually('the DriftDetected Event', async () =>
      (await env.client.list(events, { namespace: env.namespace })).find(
        (e) => e.reason === 'DriftDetected' && e.regarding?.name === 'writer-drift',
      ),
    );
    assert.match(event.note ?? '', /Agent writer drifts .*completionTokens/);
    assert.equal(event.type, 'Warning');

    const post = await eventually('the drift alert POST', async () => received[0]);
    assert.ok(
      verifyAlertSignature(post.body, post.headers as Record<string, string>, SIGNING_SECRET, new Date()),
    );
    const body = JSON.parse(post.body) as { kind: string; agent: string; drifting: { signal: string }[] };
    assert.equal(body.kind, 'DriftAlert');
    assert.equal(body.agent, 'writer');
    assert.ok(body.drifting.some((d) => d.signal === 'completionTokens'));

    const gauge = await eventually('governor_agent_drift_score on the operator /metrics', async () => {
      const text = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('governor_agent_drift_score{') &&
            l.includes(`agent="${env.namespace}/writer"`) &&
            l.includes('signal="completionTokens"') &&
            l.includes('statistic="PSI"'),
        );
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    });
    assert.ok(gauge >= 0.25, `gauge ${gauge}`);

    // Evaluate: the gate of the agent is asked to run again, and the SLO says so in an Event.
    const requested = await eventually('evaluate-requested-at on the writer gate', async () => {
      const gate = await env.client.get(evaluationGates, { namespace: env.namespace, name: 'writer' });
      return gate?.metadata?.annotations?.[EVALUATE_REQUESTED_AT_ANNOTATION];
    });
    assert.ok(Date.parse(requested) >= longStarted, `requested at ${requested}`);
    const evaluation = await eventually('the EvaluationRequested Event', async () =>
      (await env.client.list(events, { namespace: env.namespace })).find(
        (e) => e.reason === 'EvaluationRequested' && e.regarding?.name === 'writer-drift',
      ),
    );
    assert.match(evaluation.note ?? '', /EvaluationGate\(s\) writer/);
    assert.equal(received.length, 1, 'one alert per drift episode');
  });
});
