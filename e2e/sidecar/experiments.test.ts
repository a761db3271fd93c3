// A FallbackRoute's A/B experiment end to end with real processes: the API server refuses weights
// that do not sum to 100 (CEL); `agent-governor operator` compiles the experiment into the policy;
// two `agent-governor sidecar` processes of one agent, called with the official OpenAI SDK, keep every
// conversation in one variant (the same in both sidecars), send the mini variant's calls to
// gpt-4o-mini and say so in x-governor-variant; their usage reaches the ledger's experiment lines and
// the FallbackRoute's status.experiment, exactly as many calls as were made; and
// `agent-governor experiments` prints each variant with its intervals and the verdict.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { agentUsageLedgers, fallbackRoutes } from '../../agents/governor-resources.js';
import { type FallbackRoute, fallbackRouteSpec } from '../../apis/fallback-route.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import { AGENT_GOVERNOR_BIN } from '../../testing/cli-process.js';
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

const run = promisify(execFile);
const ROUTE = 'support-gpt-4o';
const CONVERSATIONS = 120;

describe('FallbackRoute experiment through real sidecars, the ledger, status and the CLI', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  const sidecars: SidecarCli[] = [];
  const clients: OpenAI[] = [];
  /** Calls made through the sidecars, per variant, as their answers said. */
  const made = new Map<string, number>();
  /** Each status.experiment the route showed while calls came in, by when it was summed (updatedAt). */
  const statusWrites = new Set<string>();
  let watching: { stop(): Promise<void>; startedAt: number } | undefined;

  /** Reads the route's status every 100 ms, noting each experiment status written. */
  function watchStatusWrites() {
    let running = true;
    const startedAt = Date.now();
    const loop = (async () => {
      while (running) {
        const route = await env.client.get(fallbackRoutes, { namespace: env.namespace, name: ROUTE });
        const summed = route?.status?.experiment?.updatedAt;
        if (summed && (route?.status?.experiment?.variants ?? []).some((v) => v.calls > 0))
          statusWrites.add(summed);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    return {
      startedAt,
      async stop() {
        running = false;
        await loop;
      },
    };
  }

  const routeSpec = (weights: [number, number]) => ({
    agentSelector: { matchLabels: { team: 'experiments' } },
    model: 'gpt-4o',
    targets: [{ name: 'mock', provider: 'OpenAI', endpoint: mock.baseUrl }],
    experiment: {
      name: 'support-model',
      variants: [
        { name: 'control', weight: weights[0] },
        { name: 'mini', weight: weights[1], model: 'gpt-4o-mini' },
      ],
    },
  });

  before(async () => {
    env = await governedAgents('experiments');
    mock = await startMockLlm();
    const ns = env.namespace;
    await createWorkloads(env.client, {
      deployments: [
        agentDeployment(ns, 'support', {
          replicas: 2,
          labels: { team: 'experiments' },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ],
      cronJobs: [],
    });
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'experiments-operator',
      lease: 'agent-governor-leader',
    });
  });

  after(async () => {
    for (const sidecar of sidecars) await sidecar.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.close();
  });

  /** One chat completion of a conversation through sidecar `i`: the variant it answered in, the model called. */
  async function converse(i: number, conversation: string | undefined) {
    const servedBefore = mock.served.length;
    const { data, response } = await clients[i]!.chat.completions.create(
      { model: 'gpt-4o', max_tokens: 20, messages: [{ role: 'user', content: `help me ${conversation}` }] },
      conversation === undefined ? {} : { headers: { 'x-governor-conversation-id': conversation } },
    ).withResponse();
    const variant = response.headers.get('x-governor-variant') ?? '';
    made.set(variant, (made.get(variant) ?? 0) + 1);
    const served = mock.served.slice(servedBefore).find((c) => c.body['messages'] !== undefined);
    return { variant, answer: data.choices[0]?.message.content, model: served?.model };
  }

  it('the API server refuses weights that do not sum to 100, naming the field', async () => {
    await assert.rejects(
      env.client.create(fallbackRoutes, {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'FallbackRoute',
        metadata: { namespace: env.namespace, name: 'bad-weights' },
        spec: routeSpec([50, 40]),
      } as unknown as FallbackRoute),
      /spec\.experiment\.variants: Invalid value.*weights must sum to 100/s,
    );
  });

  it('compiles the experiment into the policy and two sidecars start from it', async () => {
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { namespace: env.namespace, name: ROUTE },
      spec: fallbackRouteSpec.parse(routeSpec([50, 50])),
    });
    const policy = await mirroredPolicy(
      env.client,
      env.namespace,
      'support',
      (p) => p.routes[0]?.experiment !== undefined,
    );
    assert.deepEqual(policy.routes[0]?.experiment, {
      name: 'support-model',
      stickyBy: 'x-governor-conversation-id',
      variants: [
        { name: 'control', weight: 50 },
        { name: 'mini', weight: 50, model: 'gpt-4o-mini' },
      ],
    });
    for (const pod of ['a', 'b']) {
      const sidecar = await startSidecarCli(
        env,
        'support',
        operator.servicesUrl,
        policy,
        join(env.dir, `spool-${pod}`),
      );
      sidecars.push(sidecar);
      clients.push(new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'unused', maxRetries: 0 }));
    }
  });

  it('keeps each conversation in one variant in both sidecars, and calls the variant model', async () => {
    watching = watchStatusWrites();
    const seen = new Map<string, string>();
    for (let c = 0; c < CONVERSATIONS; c++) {
      const conversation = `conversation-${c}`;
      for (const i of [0, 1, 0]) {
        const { variant, model, answer } = await converse(i, conversation);
        assert.ok(answer, 'the agent got an answer');
        const first = seen.get(conversation);
        if (first === undefined) seen.set(conversation, variant);
        else assert.equal(variant, first, `${conversation} stays in ${first} (sidecar ${i})`);
        assert.equal(
          model,
          variant === 'support-model/mini' ? 'gpt-4o-mini' : 'gpt-4o',
          `${variant} calls its model`,
        );
      }
    }
    const share = [...seen.values()].filter((v) => v === 'support-model/mini').length / CONVERSATIONS;
    assert.ok(share > 0.3 && share < 0.7, `about half the conversations in mini (got ${share})`);
    assert.deepEqual([...new Set(seen.values())].sort(), ['support-model/control', 'support-model/mini']);
  });

  it('gives a call without a conversation id a variant too (drawn at random)', async () => {
    const variants = new Set<string>();
    for (let n = 0; n < 20; n++) variants.add((await converse(n % 2, undefined)).variant);
    assert.deepEqual([...variants].sort(), ['support-model/control', 'support-model/mini']);
  });

  it("sums every call into the ledger's experiment lines and the route's status.experiment, once", async (t) => {
    const expected = {
      control: made.get('support-model/control') ?? 0,
      mini: made.get('support-model/mini') ?? 0,
    };
    const route = await eventually(
      'status.experiment counting every call',
      async () => {
        const found = await env.client.get(fallbackRoutes, { namespace: env.namespace, name: ROUTE });
        const calls = Object.fromEntries(
          (found?.status?.experiment?.variants ?? []).map((v) => [v.name, v.calls]),
        );
        return calls['control'] === expected.control && calls['mini'] === expected.mini ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await watching?.stop();
    // Numbers change with every usage batch (every 2 s per sidecar); status takes them at most every 10 s.
    const seconds = (Date.now() - (watching?.startedAt ?? Date.now())) / 1000;
    assert.ok(
      statusWrites.size <= Math.floor(seconds / 10) + 2,
      `${statusWrites.size} experiment status writes with calls in ${seconds.toFixed(1)} s`,
    );
    t.diagnostic(`${statusWrites.size} experiment status writes with calls in ${seconds.toFixed(1)} s`);
    const [control, mini] = route.status?.experiment?.variants ?? [];
    assert.equal(control?.weight, 50);
    assert.equal(control?.errors, 0);
    assert.ok((control?.inputTokens ?? 0) > 0 && (mini?.outputTokens ?? 0) > 0);
    assert.ok(
      (mini?.costMicros ?? 0) / (mini?.calls ?? 1) < (control?.costMicros ?? 0) / (control?.calls ?? 1),
    );
    const ledger = await env.client.get(agentUsageLedgers, {
      namespace: env.namespace,
      name: ledgerName('support'),
    });
    const lines = ledger?.spec.experimentLines ?? [];
    assert.deepEqual(
      lines.map((l) => [l.route, l.experiment, l.variant, l.calls]),
      [
        [ROUTE, 'support-model', 'control', expected.control],
        [ROUTE, 'support-model', 'mini', expected.mini],
      ],
    );
  });

  it('agent-governor experiments prints each variant, its intervals, the verdict and the decision rule', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, [
        AGENT_GOVERNOR_BIN,
        'experiments',
        '--kubeconfig',
        env.cluster.kubeconfig,
        ...args,
      ]);
    const { stdout: table } = await cli('-n', env.namespace);
    assert.match(
      table,
      new RegExp(`${ROUTE}\\s+support-model\\s+control\\s+50\\s+${made.get('support-model/control')}\\s`),
    );
    assert.match(table, /support-model\s+mini\s+50\s+\d+\s+0\.0 \[0\.0–\d+\.\d\]/);
    assert.match(table, /wins on cost/);
    assert.match(table, /Decision rule: the first variant is the control/);
    const { stdout: json } = await cli('-A', '-o', 'json', '--metric', 'latency');
    const report = JSON.parse(json) as {
      experiments: {
        namespace: string;
        metric: string;
        variants: { name: string; calls: number; verdict: string }[];
      }[];
    };
    const ours = report.experiments.find((e) => e.namespace === env.namespace);
    assert.equal(ours?.metric, 'latency');
    assert.deepEqual(
      ours?.variants.map((v) => [v.name, v.calls]),
      [
        ['control', made.get('support-model/control')],
        ['mini', made.get('support-model/mini')],
      ],
    );
    assert.equal(ours?.variants[0]?.verdict, 'control');
  });

  it('promoting the winner is one change: weights 0/100 send every conversation to mini', async () => {
    await env.client.patch(
      fallbackRoutes,
      { namespace: env.namespace, name: ROUTE },
      {
        type: 'merge',
        body: {
          spec: {
            experiment: {
              name: 'support-model',
              variants: [
                { name: 'control', weight: 0 },
                { name: 'mini', weight: 100, model: 'gpt-4o-mini' },
              ],
            },
          },
        },
      },
    );
    await eventually(
      'every conversation in mini',
      async () => {
        for (let c = 0; c < 10; c++) {
          if ((await converse(c % 2, `conversation-${c}`)).variant !== 'support-model/mini') return undefined;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });
});
