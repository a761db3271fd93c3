// The chart installed with `helm install` into the real control plane, then the operator run out of
// cluster with the chart's own arguments and a TokenRequest token of the chart's ServiceAccount — so
// the chart's RBAC is its only power — through the operator's scenarios: it creates its webhook
// certificate and patches the chart's webhook configurations (webhook.url points the API server at
// it); admission injects the sidecar and refuses a US endpoint (recorded in the policy's status); an
// ApprovalPolicy governs a namespace (labelled, audited); a RetentionPolicy is enforced; the residency audit lists a
// violation; usage posted with an agent's ServiceAccount token (TokenReview) lands in ledgers and
// moves a budget to Exhausted: Deployment scaled to 0, CronJob suspended, restored when the limit is
// raised; every agent's policy is mirrored into its ConfigMap and served by long-poll. Any 403 in
// the operator's log fails the suite. Everything cluster-scoped is removed at the end (shared cluster).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  approvalPolicies,
  dataResidencyPolicies,
  retentionPolicies,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import type { ApprovalPolicy } from '../../apis/approval-policy.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { RetentionPolicy } from '../../apis/retention-policy.js';
import { POLICY_PATH, USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import {
  SUSPENDED_BY_ANNOTATION,
  SUSPENDED_REPLICAS_ANNOTATION,
} from '../../controllers/token-budget/suspend-plan.js';
import { freePorts } from '../../local-cluster/free-port.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { configMaps, cronJobs, deployments, namespaces, secrets } from '../../runtime/kube/resources.js';
import {
  agentCronJob,
  agentDeployment,
  createWorkloads,
  startAlertReceiver,
} from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { agentToken, call, servicesClient, usageBatchOf } from '../../testing/services-fixture.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { SIDECAR_CONTAINER } from '../../webhooks/injection/sidecar-container.js';
import {
  mutatingWebhookConfigurations,
  validatingWebhookConfigurations,
} from '../../webhooks/registration/webhook-configuration-resources.js';
import {
  MUTATING_CONFIGURATION,
  VALIDATING_CONFIGURATION,
} from '../../webhooks/registration/webhook-names.js';
import { WEBHOOK_TLS_SECRET } from '../../webhooks/tls/webhook-tls-secret.js';
import { type ChartOperator, startChartOperator } from './chart-operator.js';
import { type Helm, helmFor, installRelease, serviceAccountKubeconfig } from './chart-release.js';
import { usEndpointDeployment } from './us-endpoint-workload.js';

const suffix = randomBytes(3).toString('hex');
const releaseNs = `gov-chart-${suffix}`;
const agentsNs = `agents-chart-${suffix}`;
/** Only namespaces with this label are judged by this release's webhooks (the cluster is shared). */
const scopeLabel = `e2e.governor.agents.dev/chart-${suffix}`;
const policyName = `eu-only-chart-${suffix}`;

describe('the operator under the chart’s RBAC', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let dir: string;
  let helm: Helm;
  let transport: ApiTransport;
  let client: KubeClient;
  let operator: ChartOperator | undefined;
  let agentTokenValue: string;
  let installed = false;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-chart-rbac-'));
    helm = helmFor(cluster.kubeconfig, dir);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    const [webhookPort = 0] = await freePorts(1);
    const values = {
      // The shared cluster's CRDs come from crds/ (installCrds); the lifecycle suite covers the chart's.
      crds: { install: false },
      webhook: {
        url: `https://127.0.0.1:${webhookPort}`,
        namespaceSelectorExpressions: [{ key: scopeLabel, operator: 'In', values: ['true'] }],
      },
    };
    await installRelease(helm, { namespace: releaseNs, values });
    installed = true;
    await client.create(namespaces, {
      metadata: { name: agentsNs, labels: { [scopeLabel]: 'true', 'governor.agents.dev/inject': 'true' } },
    });
    agentTokenValue = await agentToken(cluster, agentsNs, 'agent');
    const kubeconfig = await serviceAccountKubeconfig(
      cluster.kubectl,
      cluster.kubeconfig,
      { namespace: releaseNs, name: 'agent-governor' },
      join(dir, 'service-account.kubeconfig'),
    );
    operator = await startChartOperator({
      render: { namespace: releaseNs, values },
      kubeconfig,
      identity: `chart-rbac-${suffix}`,
      webhookPort,
      // The API server reaches it at 127.0.0.1 (webhook.url): its certificate must name that too.
      extra: ['--webhook-host', '127.0.0.1'],
    });
  });

  after(async () => {
    await operator?.stop();
    for (const cleanup of cleanups) await cleanup();
    if (client) {
      await client.delete(dataResidencyPolicies, { name: policyName }).catch(() => undefined);
      await client.delete(namespaces, { name: agentsNs }).catch(() => undefined);
    }
    if (installed)
      await helm(['uninstall', 'agent-governor', '--namespace', releaseNs, '--wait', '--timeout', '2m']);
    await client?.delete(namespaces, { name: releaseNs }).catch(() => undefined);
    await transport?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const assertNothingForbidden = () =>
    assert.deepEqual(operator?.forbidden(), [], 'the chart’s RBAC refused a request of the operator');

  it('creates its webhook certificate and puts its CA into the chart’s webhook configurations', async () => {
    const secret = await eventually('the webhook TLS Secret', () =>
      client.get(secrets, { namespace: releaseNs, name: WEBHOOK_TLS_SECRET }),
    );
    const bundle = secret.data?.['ca-bundle.crt'];
    assert.ok(bundle, 'the Secret holds the CA bundle');
    for (const [resource, name] of [
      [validatingWebhookConfigurations, VALIDATING_CONFIGURATION],
      [mutatingWebhookConfigurations, MUTATING_CONFIGURATION],
    ] as const) {
      const configuration = await eventually(`the caBundle in ${name}`, async () => {
        const found = await client.get(resource, { name });
        return found?.webhooks?.every((w) => w.clientConfig?.caBundle === bundle) ? found : undefined;
      });
      assert.ok(
        configuration.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'Helm',
        'the chart’s own',
      );
    }
    assertNothingForbidden();
  });

  it('audits residency: a workload admitted before the policy is listed as a violation', async () => {
    await client.create(deployments, usEndpointDeployment(agentsNs, 'rogue') as never);
    await client.create(dataResidencyPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'DataResidencyPolicy',
      metadata: { name: policyName },
      spec: {
        mode: 'Enforce',
        namespaceSelector: { matchLabels: { [scopeLabel]: 'true' } },
        allowedJurisdictions: ['EU', 'CH'],
        auditInterval: '5s',
      },
    } as unknown as DataResidencyPolicy);
    const status = await eventually(
      'the violation in the policy status',
      async () => {
        const policy = await client.get(dataResidencyPolicies, { name: policyName });
        return policy?.status?.violations?.some((v) => v.name === 'rogue') ? policy.status : undefined;
      },
      { timeoutMs: 45_000 },
    );
    assert.equal(status.violationCount, 1);
    assert.deepEqual(
      status.violations?.map((v) => [v.kind, v.name, v.container, v.endpoint, v.region]),
      [['Deployment', 'rogue', 'agent', 'https://api.openai.com/v1', 'us']],
    );
    assertNothingForbidden();
  });

  it('refuses at admission a new workload pointing at a US endpoint, naming container, endpoint and policy', async () => {
    const manifest = JSON.stringify(usEndpointDeployment(agentsNs, 'rogue-two'));
    const refusal = await eventually('the residency webhook to refuse', async () => {
      const result = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: manifest });
      return result.code !== 0 ? result.stderr : undefined;
    });
    assert.match(
      refusal,
      /admission webhook "residency(-fail-open)?\.governor\.agents\.dev" denied the request/,
    );
    assert.match(refusal, /agent/);
    assert.match(refusal, /api\.openai\.com/);
    assert.match(refusal, new RegExp(policyName));
    assertNothingForbidden();
  });

  it('records a refusal in the policy status, governs a namespace for approvals and enforces retention', async () => {
    const refused = await cluster.kubectl(['create', '-f', '-'], {
      input: JSON.stringify(usEndpointDeployment(agentsNs, 'rogue-three')),
    });
    assert.notEqual(refused.code, 0);
    await eventually('the refusal in the residency policy status (status update)', async () => {
      const stored = await client.get(dataResidencyPolicies, { name: policyName });
      return stored?.status?.refusals?.some((r) => r.name === 'rogue-three') ? true : undefined;
    });
    // Audit mode: the later steps' workloads are admitted, with the approvals still audited.
    const approvalPolicy = `chart-rbac-approvals-${suffix}`;
    cleanups.push(async () => void (await client.delete(approvalPolicies, { name: approvalPolicy })));
    await client.create(approvalPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'ApprovalPolicy',
      metadata: { name: approvalPolicy },
      spec: {
        mode: 'Audit',
        namespaceSelector: { matchLabels: { [scopeLabel]: 'true' } },
        roles: [{ name: 'dpo', groups: ['dpo'] }],
      },
    } as unknown as ApprovalPolicy);
    await eventually('the namespace labelled and the approval audit in status', async () => {
      const ns = await client.get(namespaces, { name: agentsNs });
      const stored = await client.get(approvalPolicies, { name: approvalPolicy });
      return ns?.metadata?.labels?.['governor.agents.dev/approvals'] === 'required' &&
        stored?.status?.lastAuditTime
        ? true
        : undefined;
    });
    // The one RetentionPolicy of the cluster is this suite's while it runs (the examples leave one).
    await client.delete(retentionPolicies, { name: 'default' });
    cleanups.push(async () => void (await client.delete(retentionPolicies, { name: 'default' })));
    await client.create(retentionPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'RetentionPolicy',
      metadata: { name: 'default' },
      spec: {},
    } as unknown as RetentionPolicy);
    await eventually('retention enforced and reported', async () =>
      (await client.get(retentionPolicies, { name: 'default' }))?.status?.lastEnforcedTime ? true : undefined,
    );
    assertNothingForbidden();
  });

  it('injects the sidecar into the pods of agents (mutating webhook)', async () => {
    await createWorkloads(client, {
      deployments: [
        agentDeployment(agentsNs, 'writer', {
          replicas: 2,
          labels: { team: 'marketing' },
          serviceAccountName: 'agent',
        }),
        agentDeployment(agentsNs, 'support', { replicas: 1, labels: { team: 'marketing' }, critical: true }),
      ],
      cronJobs: [agentCronJob(agentsNs, 'digest', { team: 'marketing' })],
    });
    const pod = await eventually('a pod of the writer with the sidecar', async () => {
      const listed = await cluster.kubectl(
        ['get', 'pods', '-n', agentsNs, '-l', 'app=writer', '-o', 'json'],
        { check: true },
      );
      const pods = JSON.parse(listed.stdout).items as {
        spec: { initContainers?: { name: string }[]; containers: { name: string }[] };
      }[];
      return pods.find((p) =>
        [...(p.spec.initContainers ?? []), ...p.spec.containers].some((c) => c.name === SIDECAR_CONTAINER),
      );
    });
    assert.ok(pod);
    assertNothingForbidden();
  });

  it('records usage posted with an agent’s token, and suspends and restores workloads as the budget moves', async () => {
    const receiver = await startAlertReceiver();
    cleanups.push(() => receiver.close());
    await client.create(secrets, {
      metadata: { namespace: agentsNs, name: 'alert-signing' },
      data: { key: Buffer.from('signing-key').toString('base64') },
    });
    await client.create(tokenBudgets, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'TokenBudget',
      metadata: { namespace: agentsNs, name: 'marketing-daily' },
      spec: {
        agentSelector: { matchLabels: { team: 'marketing' } },
        period: { reset: 'Daily', timeZone: 'UTC' },
        limits: { tokens: 1000, currency: 'USD' },
        unpricedModels: 'HighestKnownPrice',
        thresholds: [
          { percent: 75, actions: ['Alert', 'Degrade'] },
          { percent: 100, actions: ['Alert', 'Suspend'] },
        ],
        // Signing reads the Secret in the budget's namespace (rbac.alertSigningSecrets).
        alerts: {
          webhooks: [
            {
              name: 'ops',
              url: receiver.url,
              format: 'Generic',
              signingSecretRef: { name: 'alert-signing', key: 'key' },
            },
          ],
        },
      },
    } as TokenBudget);
    const budget = (phase: string, holds: (b: TokenBudget) => boolean = () => true) =>
      eventually(`the budget ${phase}`, async () => {
        const found = await client.get(tokenBudgets, { namespace: agentsNs, name: 'marketing-daily' });
        return found?.status?.phase === phase && holds(found) ? found : undefined;
      });
    await budget('Active');
    // Over TLS, verified against the bundle the operator publishes for the agents' sidecars.
    const trusted = await servicesClient(client, agentsNs);
    const post = async (sequence: number, calls: number) => {
      const answer = await call(`${operator?.sidecarServicesUrl}${USAGE_PATH}`, {
        dispatcher: trusted,
        token: agentTokenValue,
        body: usageBatchOf(agentsNs, 'writer', 'writer-pod-a', sequence, calls),
      });
      assert.equal(answer.status, 200, answer.body);
    };
    await post(1, 8); // 880 tokens
    const warning = await budget('Warning');
    assert.equal(warning.status?.used?.tokens, 880);
    const alert = await eventually('the signed 75 % alert', () => receiver.received[0]);
    assert.match(String(alert.headers['x-governor-signature']), /^sha256=[0-9a-f]{64}$/);

    await post(2, 2); // 1100 tokens
    const exhausted = await budget('Exhausted', (b) => (b.status?.suspendedWorkloads?.length ?? 0) === 2);
    assert.deepEqual(exhausted.status?.suspendedWorkloads?.map((w) => `${w.kind}/${w.name}`).sort(), [
      'CronJob/digest',
      'Deployment/writer',
    ]);
    const writer = await eventually('the writer scaled to 0', async () => {
      const d = await client.get(deployments, { namespace: agentsNs, name: 'writer' });
      return d?.spec?.replicas === 0 ? d : undefined;
    });
    assert.equal(writer.metadata?.annotations?.[SUSPENDED_REPLICAS_ANNOTATION], '2');
    await eventually('the CronJob suspended', async () =>
      (await client.get(cronJobs, { namespace: agentsNs, name: 'digest' }))?.spec?.suspend === true
        ? true
        : undefined,
    );
    assert.equal(
      (await client.get(deployments, { namespace: agentsNs, name: 'support' }))?.spec?.replicas,
      1,
    );

    // What a sidecar of the writer is served: its policy, with the budget exhausted.
    const policy = await eventually('the exhausted budget in the served policy', async () => {
      const answer = await call(`${operator?.sidecarServicesUrl}${POLICY_PATH}/${agentsNs}/writer`, {
        dispatcher: trusted,
        token: agentTokenValue,
      });
      const served = answer.status === 200 ? answer.json<EffectivePolicy>() : undefined;
      return served?.budgets.some((b) => b.phase === 'Exhausted') ? served : undefined;
    });
    assert.equal(policy.agent.name, 'writer');

    await client.patch(
      tokenBudgets,
      { namespace: agentsNs, name: 'marketing-daily' },
      { type: 'merge', body: { spec: { limits: { tokens: 10_000 } } } },
    );
    await budget('Active');
    const restored = await eventually('the writer restored', async () => {
      const d = await client.get(deployments, { namespace: agentsNs, name: 'writer' });
      return d?.spec?.replicas === 2 && !d.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION] ? d : undefined;
    });
    assert.equal(restored.spec?.replicas, 2);
    await eventually('the CronJob resumed', async () =>
      (await client.get(cronJobs, { namespace: agentsNs, name: 'digest' }))?.spec?.suspend === false
        ? true
        : undefined,
    );
    assertNothingForbidden();
  });

  it('mirrors every agent’s policy into its ConfigMap for fail-static start-up', async () => {
    for (const agent of ['writer', 'support', 'digest']) {
      const mirror = await eventually(`the policy mirror of ${agent}`, () =>
        client.get(configMaps, { namespace: agentsNs, name: `governor-policy-${agent}` }),
      );
      const mirrored = JSON.parse(mirror.data?.['policy.json'] ?? '{}') as EffectivePolicy;
      assert.equal(mirrored.agent.name, agent);
    }
    assertNothingForbidden();
  });

  it('may do no more than that: no Secret listing, no webhook registration, no deleting workloads', async () => {
    const as = `system:serviceaccount:${releaseNs}:agent-governor`;
    const canI = async (...args: string[]) =>
      (await cluster.kubectl(['auth', 'can-i', '--as', as, ...args])).stdout.trim();
    assert.equal(await canI('get', 'secrets', '-n', agentsNs), 'yes', 'alert signing keys');
    assert.equal(await canI('list', 'secrets', '--all-namespaces'), 'no');
    assert.equal(await canI('create', 'validatingwebhookconfigurations'), 'no');
    assert.equal(await canI('patch', 'validatingwebhookconfigurations/other-webhooks'), 'no');
    assert.equal(await canI('delete', 'deployments', '-n', agentsNs), 'no');
    assert.equal(await canI('create', 'pods', '-n', agentsNs), 'no');
    assert.equal(await canI('update', 'leases/another-lease', '-n', releaseNs), 'no');
    assert.equal(await canI('update', 'secrets/another-secret', '-n', releaseNs), 'no');
  });

  it('was refused nothing by the chart’s RBAC, and its uninstall leaves nothing cluster-scoped behind', async () => {
    await operator?.stop();
    assertNothingForbidden();
    operator = undefined;
    await client.delete(dataResidencyPolicies, { name: policyName });
    await helm(['uninstall', 'agent-governor', '--namespace', releaseNs, '--wait', '--timeout', '2m'], {
      check: true,
    });
    installed = false;
    const left = await cluster.kubectl(
      [
        'get',
        'clusterrole,clusterrolebinding,validatingwebhookconfiguration,mutatingwebhookconfiguration',
        '-l',
        `app.kubernetes.io/instance=agent-governor`,
        '-o',
        'name',
      ],
      { check: true },
    );
    assert.equal(left.stdout.trim(), '');
  });
});
