// A FallbackRoute's circuits as its sidecars see them, end to end with real processes: an
// `agent-governor sidecar` in operator mode calls two mock providers through the route and reports
// its circuits with its usage; `agent-governor operator` records them in the agent's ledger and the
// FallbackRoute controller aggregates them into status (docs/adr/0041-circuit-reports.md). Stopping
// the first provider opens its circuit (the route stays Ready, its active target moves on); stopping
// the second too makes the route Stalled/AllCircuitsOpen — Failed to kstatus (sigs.k8s.io/cli-utils)
// and Degraded to the Argo CD health check of examples/gitops/argocd/argocd-cm-health.yaml, run in
// gopher-lua as Argo CD runs it; starting them again brings the route back to Current and Healthy.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { agentUsageLedgers, fallbackRoutes } from '../../agents/governor-resources.js';
import { type FallbackRoute, fallbackRouteSpec } from '../../apis/fallback-route.js';
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
import { REPO_ROOT } from '../../testing/repo-files.js';
import { gitopsTools, runTool } from '../../tools/gitops-tools.js';

const ARGOCD_CM = join(REPO_ROOT, 'examples', 'gitops', 'argocd', 'argocd-cm-health.yaml');
const ROUTE = 'gpt-4o';

describe('FallbackRoute circuits reported by a real sidecar, judged by kstatus and Argo CD', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  const mocks: { a?: MockLlm; b?: MockLlm } = {};
  const ports = { a: 0, b: 0 };
  let operator: OperatorCli;
  let sidecar: SidecarCli;
  let openai: OpenAI;
  let traffic: { stop(): Promise<void> } | undefined;

  before(async () => {
    gitopsTools(); // built (or found in the cache) before the clock of any step starts
    env = await governedAgents('circuits');
    mocks.a = await startMockLlm();
    mocks.b = await startMockLlm();
    ports.a = mocks.a.port;
    ports.b = mocks.b.port;
    const ns = env.namespace;
    await createWorkloads(env.client, {
      deployments: [
        agentDeployment(ns, 'writer', {
          replicas: 1,
          labels: { team: 'circuits' },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ],
      cronJobs: [],
    });
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { namespace: ns, name: ROUTE },
      spec: fallbackRouteSpec.parse({
        agentSelector: { matchLabels: { team: 'circuits' } },
        model: 'gpt-4o',
        targets: [
          { name: 'a', provider: 'OpenAI', endpoint: mocks.a.baseUrl, model: 'gpt-4o' },
          { name: 'b', provider: 'OpenAI', endpoint: mocks.b.baseUrl, model: 'gpt-4o' },
        ],
        timeouts: { perAttempt: '2s', overall: '5s' },
        retries: {
          attempts: 0,
          backoff: { base: '100ms', max: '1s' },
          retryOn: ['ServerError', 'ConnectionError', 'Timeout'],
        },
        circuitBreaker: { failureThreshold: 2, openDuration: '2s', halfOpenRequests: 1 },
      }),
    });
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'circuits-operator',
      lease: 'agent-governor-leader',
    });
    const policy = await mirroredPolicy(env.client, ns, 'writer', (p) => p.routes.length === 1);
    sidecar = await startSidecarCli(env, 'writer', operator.servicesUrl, policy);
    openai = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
    traffic = steadyTraffic(150);
  });

  after(async () => {
    await traffic?.stop();
    await sidecar?.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mocks.a?.close();
    await mocks.b?.close();
    await env?.close();
  });

  /** The agent calling all along, as an agent does; answers (also failures) are not the point here. */
  function steadyTraffic(everyMs: number) {
    let running = true;
    const loop = (async () => {
      while (running) {
        await openai.chat.completions
          .create({
            model: 'gpt-4o',
            max_tokens: 10,
            messages: [{ role: 'user', content: `writer ${randomBytes(4).toString('hex')}` }],
          })
          .catch(() => undefined);
        await sleep(everyMs);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
      },
    };
  }

  const route = async (): Promise<FallbackRoute> => {
    const found = await env.client.get(fallbackRoutes, { namespace: env.namespace, name: ROUTE });
    assert.ok(found, 'the FallbackRoute exists');
    return found;
  };
  const circuitsOf = (r: FallbackRoute) =>
    Object.fromEntries((r.status?.resolvedTargets ?? []).map((t) => [t.name, t.circuit]));
  const routeWhere = (what: string, holds: (r: FallbackRoute) => boolean, timeoutMs = 60_000) =>
    eventually(
      `FallbackRoute ${what}`,
      async () => {
        const found = await route();
        return holds(found) ? found : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  /** What kstatus and the Argo CD health check say of the route, from `kubectl get -o json`. */
  const judged = async () => {
    const listed = await env.cluster.kubectl(
      ['get', 'fallbackroute', ROUTE, '-n', env.namespace, '-o', 'json'],
      {
        check: true,
      },
    );
    const input = JSON.stringify([JSON.parse(listed.stdout)]);
    const verdict = async (tool: string, args: string[]) => {
      const out = await runTool(tool, args, { input, check: true });
      return JSON.parse(out.stdout.trim().split('\n')[0] ?? '{}') as { status: string; message: string };
    };
    return {
      kstatus: await verdict(gitopsTools().kstatus, []),
      argocd: await verdict(gitopsTools().argocdHealth, ['--argocd-cm', ARGOCD_CM]),
    };
  };
  const judgedAs = (kstatus: string, argocd: string) =>
    eventually(
      `kstatus ${kstatus} and Argo CD ${argocd}`,
      async () => {
        const v = await judged();
        return v.kstatus.status === kstatus && v.argocd.status === argocd ? v : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  const eventFor = (reason: string, note: RegExp) =>
    eventually(`a ${reason} Event`, async () =>
      (await env.client.list(events, { namespace: env.namespace })).find(
        (e) => e.reason === reason && e.regarding?.name === ROUTE && note.test(e.note ?? ''),
      ),
    );

  it('healthy: the sidecar reports closed circuits; the route is Ready with target a active', async () => {
    const r = await routeWhere('with closed circuits', (x) => circuitsOf(x)['a'] === 'Closed');
    assert.equal(r.status?.activeTarget, 'a');
    assert.match(r.status?.circuit ?? '', /a: Closed/);
    const ledger = await env.client.get(agentUsageLedgers, { namespace: env.namespace, name: 'writer' });
    assert.equal(ledger?.spec.circuitReports?.length, 1, 'one sidecar instance reported');
    const v = await judgedAs('Current', 'Healthy');
    assert.equal(v.kstatus.status, 'Current');
  });

  it('provider a stopped: its circuit opens, b becomes the active target, the route stays Ready', async () => {
    await mocks.a?.close();
    const r = await routeWhere(
      'with a open and b active',
      (x) => circuitsOf(x)['a'] === 'Open' && x.status?.activeTarget === 'b',
    );
    assert.equal(circuitsOf(r)['b'], 'Closed');
    assert.equal(r.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    await eventFor('CircuitOpen', /target a open/);
    await judgedAs('Current', 'Healthy');
  });

  it('provider b stopped too: every circuit open → Stalled/AllCircuitsOpen, kstatus Failed, Argo CD Degraded', async () => {
    await mocks.b?.close();
    const r = await routeWhere(
      'with every circuit open',
      (x) =>
        x.status?.conditions?.some(
          (c) => c.type === 'Stalled' && c.status === 'True' && c.reason === 'AllCircuitsOpen',
        ) === true,
    );
    assert.deepEqual(circuitsOf(r), { a: 'Open', b: 'Open' });
    assert.equal(r.status?.activeTarget, undefined);
    assert.equal(r.status?.circuit, 'a: Open, b: Open');
    const v = await judgedAs('Failed', 'Degraded');
    assert.match(v.argocd.message, /AllCircuitsOpen/);
    assert.match(v.kstatus.message, /circuit/);
  });

  it('both providers back: probes get through, the circuits close and the route is Current and Healthy again', async () => {
    mocks.a = await startMockLlm({ port: ports.a });
    mocks.b = await startMockLlm({ port: ports.b });
    const r = await routeWhere(
      'with closed circuits again',
      (x) => circuitsOf(x)['a'] === 'Closed' && x.status?.activeTarget === 'a',
    );
    assert.equal(r.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    await judgedAs('Current', 'Healthy');
    await eventFor('CircuitClosed', /target a closed/);
  });
});
