// What GitOps tools see of the four kinds, on objects the real operator produced (run as the chart
// runs it, with the chart's RBAC): kstatus — sigs.k8s.io/cli-utils, what Flux computes — says
// Current for healthy objects, Failed for stalled ones and InProgress for a change the operator has
// not observed yet; the Argo CD health checks of examples/gitops/argocd/argocd-cm-health.yaml, run
// in gopher-lua as Argo CD runs them, say Healthy, Degraded (with the reason) and Progressing — and
// Degraded too for what a person must act on: an exhausted budget, a residency violation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  agentSLOs,
  dataResidencyPolicies,
  fallbackRoutes,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import { USAGE_PATH } from '../../apis/sidecar-protocol.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { deployments, namespaces } from '../../runtime/kube/resources.js';
import { agentDeployment } from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { agentToken, call, servicesClient, usageBatchOf } from '../../testing/services-fixture.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { gitopsTools, runTool } from '../../tools/gitops-tools.js';
import { type ChartOperator, startChartOperator } from './chart-operator.js';
import { type Helm, helmFor, installRelease, serviceAccountKubeconfig } from './chart-release.js';
import { usEndpointDeployment } from './us-endpoint-workload.js';

const ARGOCD_CM = join(REPO_ROOT, 'examples', 'gitops', 'argocd', 'argocd-cm-health.yaml');
const suffix = randomBytes(3).toString('hex');
const releaseNs = `gov-gitops-${suffix}`;
const ns = `agents-gitops-${suffix}`;
const zoneLabel = `e2e.governor.agents.dev/gitops-${suffix}`;
const policyName = `eu-only-gitops-${suffix}`;
/** A policy allowing only a misspelt region: Stalled (it selects no namespace, so it refuses nothing). */
const typoPolicyName = `typo-gitops-${suffix}`;
const values = { crds: { install: false }, webhook: { enabled: false } };
const render = { namespace: releaseNs, values };

type Verdicts = Record<string, { status: string; message: string }>;

/** `kubectl get -o json` of the objects, through a tool that prints one JSON verdict a line. */
async function judge(cluster: TestCluster, tool: string, args: string[]): Promise<Verdicts> {
  const listed = await cluster.kubectl(
    ['get', 'tokenbudgets,agentslos,fallbackroutes', '-n', ns, '-o', 'json'],
    { check: true },
  );
  const policies = await cluster.kubectl(
    ['get', 'dataresidencypolicy', policyName, typoPolicyName, '-o', 'json'],
    { check: true },
  );
  const items = [...JSON.parse(listed.stdout).items, ...JSON.parse(policies.stdout).items];
  const judged = await runTool(tool, args, { input: JSON.stringify(items), check: true });
  const verdicts: Verdicts = {};
  for (const line of judged.stdout.trim().split('\n')) {
    const v = JSON.parse(line) as { kind: string; name: string; status: string; message: string };
    verdicts[`${v.kind}/${v.name}`] = { status: v.status, message: v.message };
  }
  return verdicts;
}

const kstatus = (cluster: TestCluster) => judge(cluster, gitopsTools().kstatus, []);
const argocd = (cluster: TestCluster) =>
  judge(cluster, gitopsTools().argocdHealth, ['--argocd-cm', ARGOCD_CM]);

/** Waits until every named object has the expected status, then returns all verdicts. */
function settle(
  read: () => Promise<Verdicts>,
  expected: Record<string, string>,
  what: string,
): Promise<Verdicts> {
  return eventually(
    what,
    async () => {
      const verdicts = await read();
      const wrong = Object.entries(expected).filter(([key, status]) => verdicts[key]?.status !== status);
      if (wrong.length > 0)
        throw new Error(wrong.map(([k]) => `${k}: ${JSON.stringify(verdicts[k])}`).join('; '));
      return verdicts;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

describe('GitOps health of the four kinds (kstatus, Argo CD Lua)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let dir: string;
  let helm: Helm;
  let transport: ApiTransport;
  let client: KubeClient;
  let kubeconfig: string;
  let operator: ChartOperator | undefined;
  let installed = false;

  const start = async () => {
    operator = await startChartOperator({ render, kubeconfig, identity: `gitops-${suffix}` });
  };

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-gitops-'));
    helm = helmFor(cluster.kubeconfig, dir);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    await installRelease(helm, { namespace: releaseNs, values });
    installed = true;
    await client.create(namespaces, { metadata: { name: ns, labels: { [zoneLabel]: 'eu' } } });
    kubeconfig = await serviceAccountKubeconfig(
      cluster.kubectl,
      cluster.kubeconfig,
      { namespace: releaseNs, name: 'agent-governor' },
      join(dir, 'service-account.kubeconfig'),
    );
    await client.create(
      deployments,
      agentDeployment(ns, 'writer', {
        replicas: 1,
        labels: { team: 'marketing' },
        serviceAccountName: 'agent',
      }) as never,
    );
    await client.create(dataResidencyPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'DataResidencyPolicy',
      metadata: { name: policyName },
      spec: {
        mode: 'Enforce',
        namespaceSelector: { matchLabels: { [zoneLabel]: 'eu' } },
        allowedJurisdictions: ['EU'],
        auditInterval: '2s',
      },
    } as never);
    await client.create(dataResidencyPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'DataResidencyPolicy',
      metadata: { name: typoPolicyName },
      spec: {
        mode: 'Audit',
        namespaceSelector: { matchLabels: { [zoneLabel]: 'nowhere' } },
        allowedRegions: ['eu-west1'],
      },
    } as never);
    const governed = (kind: string, name: string, spec: Record<string, unknown>) =>
      ({
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind,
        metadata: { namespace: ns, name },
        spec,
      }) as never;
    const marketing = { matchLabels: { team: 'marketing' } };
    const budget = (name: string, tokens: number, period: Record<string, unknown>) =>
      governed('TokenBudget', name, {
        agentSelector: marketing,
        period,
        limits: { tokens, currency: 'USD' },
      });
    await client.create(tokenBudgets, budget('roomy', 100_000, { reset: 'Daily', timeZone: 'UTC' }));
    await client.create(tokenBudgets, budget('tight', 100, { reset: 'Daily', timeZone: 'UTC' }));
    await client.create(
      tokenBudgets,
      budget('bad-period', 1000, { reset: 'Cron', timeZone: 'UTC', schedule: '99 * * * *' }),
    );
    const slo = (name: string, threshold: string) =>
      governed('AgentSLO', name, {
        agentSelector: marketing,
        window: '28d',
        objectives: { latency: { threshold, target: '95' }, success: { target: '99.5' } },
      });
    await client.create(agentSLOs, slo('latency', '1s'));
    await client.create(agentSLOs, slo('unmeasurable', '10ms'));
    const route = (name: string, model: string, endpoint: string, team: string) =>
      governed('FallbackRoute', name, {
        agentSelector: { matchLabels: { team } },
        model,
        targets: [{ name: 'primary', provider: 'OpenAI', endpoint }],
      });
    await client.create(fallbackRoutes, route('eu', 'gpt-4o', 'https://eu.api.openai.com/v1', 'marketing'));
    // Stalled by the EU-only policy; it selects no running agent, so the audit has nothing to report.
    await client.create(fallbackRoutes, route('us', 'gpt-4.1', 'https://api.openai.com/v1', 'research'));
    await start();
    // 220 tokens through usage ingest: over the tight budget, far under the roomy one.
    const token = await agentToken(cluster, ns, 'agent');
    const answer = await call(`${operator?.sidecarServicesUrl}${USAGE_PATH}`, {
      dispatcher: await servicesClient(client, ns),
      token,
      body: usageBatchOf(ns, 'writer', 'writer-pod', 1, 2),
    });
    assert.equal(answer.status, 200, answer.body);
  });

  after(async () => {
    await operator?.stop();
    await client?.delete(dataResidencyPolicies, { name: policyName }).catch(() => undefined);
    await client?.delete(dataResidencyPolicies, { name: typoPolicyName }).catch(() => undefined);
    await client?.delete(namespaces, { name: ns }).catch(() => undefined);
    if (installed)
      await helm(['uninstall', 'agent-governor', '--namespace', releaseNs, '--wait', '--timeout', '2m']);
    await client?.delete(namespaces, { name: releaseNs }).catch(() => undefined);
    await transport?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const healthy = {
    'TokenBudget/roomy': 'Current',
    'AgentSLO/latency': 'Current',
    'FallbackRoute/eu': 'Current',
    [`DataResidencyPolicy/${policyName}`]: 'Current',
  };

  it('kstatus: Current when healthy, Failed when stalled', async () => {
    const verdicts = await settle(
      () => kstatus(cluster),
      {
        ...healthy,
        'TokenBudget/bad-period': 'Failed',
        'AgentSLO/unmeasurable': 'Failed',
        'FallbackRoute/us': 'Failed',
        [`DataResidencyPolicy/${typoPolicyName}`]: 'Failed',
      },
      'kstatus verdicts',
    );
    assert.match(
      verdicts[`DataResidencyPolicy/${typoPolicyName}`]?.message ?? '',
      /spec\.allowedRegions\[0\]: eu-west1 is no region/,
    );
    assert.match(verdicts['TokenBudget/bad-period']?.message ?? '', /spec\.period/);
    assert.match(verdicts['AgentSLO/unmeasurable']?.message ?? '', /spec\.objectives\.latency\.threshold/);
    assert.match(verdicts['FallbackRoute/us']?.message ?? '', /target primary.*region us/);
    // kstatus reads conditions only: an exhausted budget is a working, Ready budget.
    assert.equal(verdicts['TokenBudget/tight']?.status, 'Current');
  });

  it('Argo CD: Healthy, Degraded with the reason when stalled, Degraded for an exhausted budget', async () => {
    const verdicts = await settle(
      () => argocd(cluster),
      {
        'TokenBudget/roomy': 'Healthy',
        'AgentSLO/latency': 'Healthy',
        'FallbackRoute/eu': 'Healthy',
        [`DataResidencyPolicy/${policyName}`]: 'Healthy',
        'TokenBudget/bad-period': 'Degraded',
        'AgentSLO/unmeasurable': 'Degraded',
        'FallbackRoute/us': 'Degraded',
        'TokenBudget/tight': 'Degraded',
        [`DataResidencyPolicy/${typoPolicyName}`]: 'Degraded',
      },
      'Argo CD health',
    );
    assert.match(verdicts[`DataResidencyPolicy/${typoPolicyName}`]?.message ?? '', /^UnknownRegion: /);
    assert.match(verdicts['TokenBudget/bad-period']?.message ?? '', /^InvalidPeriod: spec\.period/);
    assert.match(verdicts['AgentSLO/unmeasurable']?.message ?? '', /^ThresholdNotMeasurable: /);
    assert.match(verdicts['FallbackRoute/us']?.message ?? '', /^TargetRegionForbidden: /);
    assert.match(
      verdicts['TokenBudget/tight']?.message ?? '',
      /^Exhausted: 220 % used; non-critical agents suspended/,
    );
    assert.match(verdicts['TokenBudget/roomy']?.message ?? '', /^Active: 0 % used$/);
  });

  it('Argo CD: a residency violation degrades the policy (kstatus still Current: the audit succeeded)', async () => {
    await client.create(deployments, usEndpointDeployment(ns, 'rogue'));
    const key = `DataResidencyPolicy/${policyName}`;
    const verdicts = await settle(
      () => argocd(cluster),
      { [key]: 'Degraded' },
      'the violation in Argo CD health',
    );
    assert.match(
      verdicts[key]?.message ?? '',
      /^1 violation\(s\) of the residency policy; first: .*\/rogue → https:\/\/api\.openai\.com\/v1 \(us\)$/,
    );
    assert.equal((await kstatus(cluster))[key]?.status, 'Current');
    await client.delete(deployments, { namespace: ns, name: 'rogue' });
    await settle(() => argocd(cluster), { [key]: 'Healthy' }, 'the policy healthy again');
  });

  it('a change the operator has not observed: InProgress / Progressing, then Current / Healthy once it has', async () => {
    await operator?.stop();
    operator = undefined;
    await client.patch(
      tokenBudgets,
      { namespace: ns, name: 'roomy' },
      { type: 'merge', body: { spec: { limits: { tokens: 200_000 } } } },
    );
    await client.patch(
      fallbackRoutes,
      { namespace: ns, name: 'eu' },
      {
        type: 'merge',
        body: {
          spec: {
            targets: [
              {
                name: 'primary',
                provider: 'OpenAI',
                endpoint: 'https://eu.api.openai.com/v1',
                timeout: '20s',
              },
            ],
          },
        },
      },
    );
    const pending = await kstatus(cluster);
    assert.equal(pending['TokenBudget/roomy']?.status, 'InProgress');
    assert.match(
      pending['TokenBudget/roomy']?.message ?? '',
      /generation is 2, but latest observed generation is 1/,
    );
    assert.equal(pending['FallbackRoute/eu']?.status, 'InProgress');
    const argo = await argocd(cluster);
    assert.deepEqual(argo['TokenBudget/roomy'], {
      status: 'Progressing',
      message: 'Waiting for the operator to observe generation 2',
    });
    assert.equal(argo['FallbackRoute/eu']?.status, 'Progressing');
    await start();
    await settle(() => kstatus(cluster), healthy, 'kstatus Current again');
    await settle(
      () => argocd(cluster),
      { 'TokenBudget/roomy': 'Healthy', 'FallbackRoute/eu': 'Healthy' },
      'Argo CD Healthy again',
    );
    assert.deepEqual((operator as ChartOperator | undefined)?.forbidden(), []);
  });
});
