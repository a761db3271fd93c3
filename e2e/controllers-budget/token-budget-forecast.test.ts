// A TokenBudget's forecast on the real API server, with the controller on a clock the test moves:
// two hours into the day, 15 % used is on course to about 180 %; with `spec.forecast.alertPercent`
// 60 the status says so (and the FORECAST column), one Warning Event and one webhook alert
// (`BudgetForecastAlert`) go out, and only once in the period; the phase stays Active.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tokenBudgets } from '../../agents/governor-resources.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import { FORECAST_ALERTED_ANNOTATION } from '../../controllers/token-budget/forecast-alert.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { events, namespaces } from '../../runtime/kube/resources.js';
import type { Operator } from '../../runtime/manager/operator-runtime.js';
import {
  agentDeployment,
  createWorkloads,
  recordUsage,
  startAlertReceiver,
  startControllers,
  TestClock,
  uniqueNamespace,
  usageEntry,
} from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const DAY = '2030-01-10';

describe('TokenBudget forecast', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  let operator: Operator;
  let receiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  const clock = new TestClock();
  const namespace = uniqueNamespace('forecast');
  const budgetKey = { namespace, name: 'writers-daily' };

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    receiver = await startAlertReceiver();
    await client.create(namespaces, { metadata: { name: namespace } });
    await createWorkloads(client, {
      deployments: [agentDeployment(namespace, 'writer', { replicas: 1, labels: { team: 'writers' } })],
      cronJobs: [],
    });
    clock.moveTo(new Date(`${DAY}T00:00:30Z`));
    operator = await startControllers(cluster.kubeconfig, namespace, clock);
    await client.create(tokenBudgets, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'TokenBudget',
      metadata: budgetKey,
      spec: {
        agentSelector: { matchLabels: { team: 'writers' } },
        period: { reset: 'Daily', timeZone: 'UTC' },
        limits: { tokens: 10_000, currency: 'USD' },
        unpricedModels: 'HighestKnownPrice',
        thresholds: [{ percent: 75, actions: ['Alert'] }],
        forecast: { alertPercent: 60 },
        alerts: { webhooks: [{ name: 'ops', url: receiver.url, format: 'Generic' }] },
      },
    } as TokenBudget);
  });

  after(async () => {
    await operator?.stop();
    await receiver?.close();
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  const statusWhere = (what: string, holds: (b: TokenBudget) => boolean) =>
    eventually(`TokenBudget status: ${what}`, async () => {
      const b = await client.get(tokenBudgets, budgetKey);
      return b && holds(b) ? b : undefined;
    });
  const forecastAlerts = () =>
    receiver.received.filter((a) => (JSON.parse(a.body) as { kind: string }).kind === 'BudgetForecastAlert');

  it('forecasts from the rate since counting began, and alerts once when on course past the alert', async () => {
    await statusWhere('Active', (b) => b.status?.phase === 'Active');
    clock.moveTo(new Date(`${DAY}T02:00:30Z`));
    await recordUsage(client, namespace, 'writer', [usageEntry(clock.now(), { tokens: 1_500 })], clock.now());
    const b = await statusWhere('a forecast above the alert', (x) => x.status?.forecast?.aboveAlert === true);
    // 15 % in the 2 hours since 00:00:30, 22 hours to go: about 180 %.
    assert.equal(b.status?.phase, 'Active', 'a forecast alerts; it does not change the phase');
    assert.equal(b.status?.forecast?.method, 'Linear');
    assert.ok(
      Math.abs((b.status?.forecast?.percent ?? 0) - 179) <= 1,
      `forecast ${b.status?.forecast?.percent} %`,
    );
    const [alert] = await eventually('the forecast alert', async () =>
      forecastAlerts().length > 0 ? forecastAlerts() : undefined,
    );
    const body = JSON.parse(alert?.body ?? '{}') as { threshold: number; forecast: { percent: number } };
    assert.equal(body.threshold, 60);
    assert.ok(body.forecast.percent >= 178);
    await eventually('a ForecastAboveThreshold Event', async () =>
      (await client.list(events, { namespace })).some(
        (e) => e.reason === 'ForecastAboveThreshold' && /on course to use 1[78]\d %/.test(e.note ?? ''),
      ),
    );
    const table = await cluster.kubectl(['get', 'tokenbudget', budgetKey.name, '-n', namespace], {
      check: true,
    });
    assert.match(table.stdout, /FORECAST/);
    assert.match(table.stdout, /\s1[78]\d\s+Active/);
  });

  it('does not alert again in the same period', async () => {
    await recordUsage(client, namespace, 'writer', [usageEntry(clock.now(), { tokens: 100 })], clock.now());
    await statusWhere('the new usage counted', (x) => x.status?.used?.tokens === 1_600);
    await sleep(1_500);
    assert.equal(forecastAlerts().length, 1);
    const b = await client.get(tokenBudgets, budgetKey);
    assert.equal(b?.metadata.annotations?.[FORECAST_ALERTED_ANNOTATION], `${DAY}T00:00:00.000Z`);
  });
});
