// The TokenBudget controller on the real API server, run by the operator runtime in this process:
// usage written to ledgers (as ingest writes it) moves the budget through Warning (Degrade) to
// Exhausted (non-critical Deployment scaled to 0 with its replicas kept, CronJob suspended, the
// critical agent untouched); the reset, a raised limit and the budget's deletion each restore
// exactly; alerts arrive signed, once per threshold per period, also across a controller restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tokenBudgets } from '../../agents/governor-resources.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import { ALERTS_SENT_ANNOTATION } from '../../controllers/token-budget/alert-dedup.js';
import { verifyAlertSignature } from '../../controllers/token-budget/alert-signature.js';
import { secrets } from '../../controllers/token-budget/budget-alerts.js';
import { RESTORE_FINALIZER } from '../../controllers/token-budget/restore-finalizer.js';
import {
  SUSPENDED_BY_ANNOTATION,
  SUSPENDED_REPLICAS_ANNOTATION,
} from '../../controllers/token-budget/suspend-plan.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { cronJobs, deployments, events, namespaces } from '../../runtime/kube/resources.js';
import type { Operator } from '../../runtime/manager/operator-runtime.js';
import {
  agentCronJob,
  agentDeployment,
  createWorkloads,
  recordUsage,
  startAlertReceiver,
  startControllers,
  TestClock,
  uniqueNamespace,
  usageEntry,
} from '../../testing/budget-fixture.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const SECRET = 'alert-signing-secret';

describe('TokenBudget controller', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  let operator: Operator;
  let receiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  const clock = new TestClock();
  const namespace = uniqueNamespace('budget');
  const budgetKey = { namespace, name: 'marketing-daily' };

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    receiver = await startAlertReceiver();
    await client.create(namespaces, { metadata: { name: namespace } });
    await client.create(secrets, {
      metadata: { namespace, name: 'alert-signing' },
      data: { key: Buffer.from(SECRET).toString('base64') },
    });
    await createWorkloads(client, {
      deployments: [
        agentDeployment(namespace, 'writer', { replicas: 2, labels: { team: 'marketing' } }),
        agentDeployment(namespace, 'support', { replicas: 3, labels: { team: 'marketing' }, critical: true }),
        agentDeployment(namespace, 'other-team', { replicas: 1, labels: { team: 'finance' } }),
      ],
      cronJobs: [agentCronJob(namespace, 'digest', { team: 'marketing' })],
    });
    operator = await startControllers(cluster.kubeconfig, namespace, clock);
    await client.create(tokenBudgets, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'TokenBudget',
      metadata: budgetKey,
      spec: {
        agentSelector: { matchLabels: { team: 'marketing' } },
        period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
        limits: { tokens: 1000, currency: 'USD' },
        unpricedModels: 'HighestKnownPrice',
        thresholds: [
          { percent: 75, actions: ['Alert', 'Degrade'] },
          { percent: 100, actions: ['Alert', 'Suspend'] },
        ],
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
  });

  after(async () => {
    await operator?.stop();
    await receiver?.close();
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  const budget = () => client.get(tokenBudgets, budgetKey);
  const statusWhere = (what: string, holds: (b: TokenBudget) => boolean) =>
    eventually(`TokenBudget status: ${what}`, async () => {
      const b = await budget();
      return b && holds(b) ? b : undefined;
    });
  const deployment = (name: string) => client.get(deployments, { namespace, name });
  const cronJob = (name: string) => client.get(cronJobs, { namespace, name });
  const use = (agent: string, tokens: number) =>
    recordUsage(client, namespace, agent, [usageEntry(clock.now(), { tokens })], clock.now());
  const alertsFor = (threshold: number) =>
    receiver.received.filter((a) => (JSON.parse(a.body) as { threshold: number }).threshold === threshold);

  const waitSuspended = async () => {
    const writer = await eventually('writer scaled to 0', async () => {
      const d = await deployment('writer');
      return d?.spec?.replicas === 0 ? d : undefined;
    });
    assert.equal(writer.metadata?.annotations?.[SUSPENDED_REPLICAS_ANNOTATION], '2');
    assert.equal(writer.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION], 'marketing-daily');
    await eventually('digest suspended', async () => (await cronJob('digest'))?.spec?.suspend === true);
  };
  const waitRestored = async () => {
    const writer = await eventually('writer restored', async () => {
      const d = await deployment('writer');
      return d?.spec?.replicas === 2 && !d.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION] ? d : undefined;
    });
    assert.equal(writer.metadata?.annotations?.[SUSPENDED_REPLICAS_ANNOTATION], undefined);
    await eventually('digest resumed', async () => (await cronJob('digest'))?.spec?.suspend === false);
  };
  const assertCriticalUntouched = async () => {
    const support = await deployment('support');
    assert.equal(support?.spec?.replicas, 3, 'the critical agent is never scaled');
    assert.equal(support?.metadata?.annotations?.[SUSPENDED_BY_ANNOTATION], undefined);
    assert.equal(
      (await deployment('other-team'))?.spec?.replicas,
      1,
      'an agent the budget does not select is not touched',
    );
  };

  it('starts Active, with the finalizer, counting the selected agents', async () => {
    const b = await statusWhere(
      'Active and Ready',
      (x) =>
        x.status?.phase === 'Active' &&
        x.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
    );
    assert.ok((b.metadata.finalizers as string[] | undefined)?.includes(RESTORE_FINALIZER));
    assert.equal(b.status?.percent, 0);
    assert.equal(b.status?.observedGeneration, b.metadata.generation);
    assert.deepEqual(b.status?.agents?.map((a) => a.name).sort(), ['digest', 'support', 'writer']);
    assert.ok(b.status?.periodEnd && Date.parse(b.status.periodEnd) > clock.now().getTime());
  });

  it('crossing 75 % → Warning with Degrade in force and one signed alert', async () => {
    await use('writer', 800);
    const b = await statusWhere('Warning', (x) => x.status?.phase === 'Warning');
    assert.equal(b.status?.percent, 80);
    assert.deepEqual(b.status?.activeActions, ['Alert', 'Degrade']);
    assert.equal(b.status?.used?.tokens, 800);
    assert.equal(b.status?.agents?.find((a) => a.name === 'writer')?.tokens, 800);
    const [alert] = await eventually('the 75 % alert', () =>
      alertsFor(75).length > 0 ? alertsFor(75) : undefined,
    );
    assert.ok(alert);
    const headers = Object.fromEntries(Object.entries(alert.headers).map(([k, v]) => [k, String(v)]));
    assert.match(headers['x-governor-signature'] ?? '', /^sha256=[0-9a-f]{64}$/);
    assert.ok(
      verifyAlertSignature(alert.body, headers, SECRET, clock.now()),
      'the HMAC verifies with the Secret',
    );
    assert.ok(!verifyAlertSignature(alert.body, headers, 'another-secret', clock.now()));
    assert.equal(JSON.parse(alert.body).phase, 'Warning');
    assert.equal((await deployment('writer'))?.spec?.replicas, 2, 'Warning suspends nothing');
    const text = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    assert.equal(metricValue(text, 'governor_operator_budget_used_tokens', budgetKey), 800);
    assert.equal(metricValue(text, 'governor_operator_budget_phase', { ...budgetKey, phase: 'Warning' }), 1);
  });

  it('crossing 100 % → non-critical Deployment to 0 (2 kept), CronJob suspended, critical untouched', async () => {
    await use('support', 250);
    const b = await statusWhere(
      'Exhausted with the workloads held',
      (x) => x.status?.phase === 'Exhausted' && (x.status.suspendedWorkloads?.length ?? 0) === 2,
    );
    assert.equal(b.status?.percent, 105);
    assert.deepEqual(b.status?.activeActions, ['Alert', 'Degrade', 'Suspend']);
    assert.deepEqual(
      b.status?.suspendedWorkloads?.map((w) => `${w.kind}/${w.name}/${w.previousReplicas ?? '-'}`).sort(),
      ['CronJob/digest/-', 'Deployment/writer/2'],
    );
    await waitSuspended();
    await assertCriticalUntouched();
    await eventually('the 100 % alert', () => (alertsFor(100).length === 1 ? true : undefined));
    const scaled = await eventually('an Event on the Deployment', async () => {
      const found = (await client.list(events, { namespace })).filter(
        (e) =>
          e.reason === 'ScaledToZero' && e.regarding?.kind === 'Deployment' && e.regarding.name === 'writer',
      );
      return found.length > 0 ? found : undefined;
    });
    assert.equal(scaled[0]?.related?.name, 'marketing-daily');
    await eventually('an Event on the budget', async () =>
      (await client.list(events, { namespace })).some(
        (e) => e.reason === 'ScaledToZero' && e.regarding?.kind === 'TokenBudget',
      ),
    );
  });

  it('alerts once per threshold per period, also across a controller restart', async () => {
    await operator.stop();
    operator = await startControllers(cluster.kubeconfig, namespace, clock);
    await use('writer', 10);
    await statusWhere('the new usage counted', (x) => x.status?.used?.tokens === 1060);
    await sleep(1_500);
    assert.equal(alertsFor(75).length, 1);
    assert.equal(alertsFor(100).length, 1);
    assert.equal(receiver.received.length, 2);
    const b = await budget();
    assert.match(b?.metadata.annotations?.[ALERTS_SENT_ANNOTATION] ?? '', /=75,100$/);
  });

  it('the reset (clock past periodEnd) restores the exact replicas and resumes the CronJob', async () => {
    const before = await budget();
    const periodEnd = new Date(before?.status?.periodEnd ?? '');
    clock.moveTo(new Date(periodEnd.getTime() + 1_000));
    const b = await statusWhere(
      'Active in the new period',
      (x) => x.status?.periodStart === periodEnd.toISOString(),
    );
    assert.equal(b.status?.phase, 'Active');
    assert.equal(b.status?.used?.tokens, 0);
    assert.deepEqual(b.status?.suspendedWorkloads, []);
    await waitRestored();
    await assertCriticalUntouched();
    await eventually('a Restored Event', async () =>
      (await client.list(events, { namespace })).some(
        (e) => e.reason === 'Restored' && e.regarding?.name === 'writer',
      ),
    );
  });

  it('raising the limit restores, and the new period alerts again once per threshold', async () => {
    await use('writer', 1100);
    await statusWhere('Exhausted again', (x) => x.status?.phase === 'Exhausted');
    await waitSuspended();
    await eventually('the new period alerts', () => (receiver.received.length === 4 ? true : undefined));
    await client.patch(tokenBudgets, budgetKey, {
      type: 'merge',
      body: { spec: { limits: { tokens: 5000 } } },
    });
    const b = await statusWhere(
      'Active after the raise',
      (x) => x.status?.phase === 'Active' && x.status.observedGeneration === x.metadata.generation,
    );
    assert.equal(b.status?.percent, 22);
    await waitRestored();
    await assertCriticalUntouched();
  });

  it('deleting the budget restores its workloads before it goes (finalizer)', async () => {
    await client.patch(tokenBudgets, budgetKey, {
      type: 'merge',
      body: { spec: { limits: { tokens: 1000 } } },
    });
    await waitSuspended();
    await client.delete(tokenBudgets, budgetKey);
    await waitRestored();
    await eventually('the budget to be gone', async () =>
      (await budget()) === undefined ? true : undefined,
    );
    await assertCriticalUntouched();
    assert.equal(receiver.received.length, 4, 'no alert beyond one per threshold per period');
  });

  it('a period that cannot be computed → Stalled, naming the field', async () => {
    const key = { namespace, name: 'bad-schedule' };
    await client.create(tokenBudgets, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'TokenBudget',
      metadata: key,
      spec: {
        agentSelector: { matchLabels: { team: 'marketing' } },
        period: { reset: 'Cron', timeZone: 'UTC', schedule: '99 * * * *' },
        limits: { tokens: 1000, currency: 'USD' },
        unpricedModels: 'HighestKnownPrice',
      },
    } as TokenBudget);
    const b = await eventually('the bad budget to be Stalled', async () => {
      const found = await client.get(tokenBudgets, key);
      return found?.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True')
        ? found
        : undefined;
    });
    const stalled = b.status?.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(stalled?.reason, 'InvalidPeriod');
    assert.match(stalled?.message ?? '', /spec\.period: .*schedule "99 \* \* \* \*"/);
    assert.equal(b.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    await client.delete(tokenBudgets, key);
  });
});
