// The AgentSLO controller on the real API server: status from synthetic ledgers (SLIs, error budget,
// burn rates over 5m … 3d), fast burn on a 14.4× burn and cleared once it stops, the SLO gauges, and
// the PrometheusRule — skipped with a condition saying so while its CRD is absent, created (owned by
// the SLO) once it is installed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentSLOs } from '../../agents/governor-resources.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import { RULES_CONDITION } from '../../controllers/agent-slo/agent-slo-reconciler.js';
import { prometheusRules } from '../../controllers/agent-slo/prometheus-rule-sync.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { namespaces } from '../../runtime/kube/resources.js';
import type { Operator } from '../../runtime/manager/operator-runtime.js';
import {
  agentDeployment,
  createWorkloads,
  recordUsage,
  startControllers,
  TestClock,
  uniqueNamespace,
  usageEntry,
} from '../../testing/budget-fixture.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const PROMETHEUS_RULE_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: prometheusrules.monitoring.coreos.com
spec:
  group: monitoring.coreos.com
  names: { kind: PrometheusRule, listKind: PrometheusRuleList, plural: prometheusrules, singular: prometheusrule }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;

describe('AgentSLO controller', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  let operator: Operator;
  let installedRuleCrd = false;
  const clock = new TestClock();
  const namespace = uniqueNamespace('slo');
  const sloKey = { namespace, name: 'support-chat' };

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    await client.create(namespaces, { metadata: { name: namespace } });
    await createWorkloads(client, {
      deployments: [agentDeployment(namespace, 'chat', { replicas: 1, labels: { team: 'support' } })],
      cronJobs: [],
    });
    operator = await startControllers(cluster.kubeconfig, namespace, clock);
    await client.create(agentSLOs, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentSLO',
      metadata: sloKey,
      spec: {
        agentSelector: { matchLabels: { team: 'support' } },
        window: '1d',
        objectives: {
          latency: { threshold: '1s', target: '95' },
          success: { target: '99', countAsFailure: ['ServerError', 'Timeout'] },
        },
      },
    } as AgentSLO);
  });

  after(async () => {
    await operator?.stop();
    if (installedRuleCrd) {
      await cluster.kubectl(['delete', 'crd', 'prometheusrules.monitoring.coreos.com', '--wait=false']);
    }
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  const slo = () => client.get(agentSLOs, sloKey);
  const statusWhere = (what: string, holds: (s: AgentSLO) => boolean) =>
    eventually(`AgentSLO status: ${what}`, async () => {
      const s = await slo();
      return s && holds(s) ? s : undefined;
    });
  const rate = (s: AgentSLO, window: string) => s.status?.burnRates?.find((r) => r.window === window)?.rate;
  const condition = (s: AgentSLO, type: string) => s.status?.conditions?.find((c) => c.type === type);

  it('is Ready without traffic and says the PrometheusRule CRD is missing', async () => {
    const s = await statusWhere('Ready', (x) => condition(x, 'Ready')?.status === 'True');
    assert.equal(condition(s, 'Ready')?.reason, 'NoTraffic');
    assert.equal(s.status?.fastBurn, false);
    assert.equal(condition(s, RULES_CONDITION)?.reason, 'CRDNotInstalled');
    assert.match(
      condition(s, RULES_CONDITION)?.message ?? '',
      /prometheusrules\.monitoring\.coreos\.com CRD is not installed/,
    );
  });

  it('a 20× burn (20 % failed calls against 1 % allowed) → burn rates in status and fastBurn true', async () => {
    await recordUsage(
      client,
      namespace,
      'chat',
      [usageEntry(clock.now(), { calls: 100, failed: 20, tokens: 100 })],
      clock.now(),
    );
    const s = await statusWhere('fast burn', (x) => x.status?.fastBurn === true);
    for (const window of ['5m', '30m', '1h', '6h', '1d', '3d'])
      assert.equal(rate(s, window), '20.00', `burn rate over ${window}`);
    assert.equal(s.status?.success?.observedPercent, '80');
    assert.equal(s.status?.errorBudgetRemainingPercent, '-1900');
    assert.equal(s.status?.latency?.goodPercent, '100');
    assert.equal(condition(s, 'FastBurn')?.status, 'True');
    const text = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    const close = (actual: number, expected: number) =>
      assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≈ ${expected}`);
    close(metricValue(text, 'governor_operator_slo_burn_rate', { ...sloKey, window: '5m' }), 20);
    close(metricValue(text, 'governor_operator_slo_error_budget_remaining', sloKey), -19);
  });

  it('fastBurn clears once both windows fall below 14.4× (good calls dilute the failures to 8 %)', async () => {
    await recordUsage(
      client,
      namespace,
      'chat',
      [usageEntry(clock.now(), { calls: 150, tokens: 150 })],
      clock.now(),
    );
    const s = await statusWhere(
      'fast burn cleared',
      (x) => x.status?.fastBurn === false && rate(x, '5m') === '8.00',
    );
    assert.equal(rate(s, '1h'), '8.00');
    assert.equal(condition(s, 'FastBurn')?.status, 'False');
    assert.equal(s.status?.success?.observedPercent, '92');
  });

  it('creates the PrometheusRule owned by the SLO once the CRD exists', async () => {
    await cluster.kubectl(['apply', '-f', '-'], { input: PROMETHEUS_RULE_CRD, check: true });
    installedRuleCrd = true;
    await cluster.kubectl(
      ['wait', '--for=condition=Established', '--timeout=60s', 'crd/prometheusrules.monitoring.coreos.com'],
      { check: true },
    );
    const rule = await eventually('the PrometheusRule', async () => {
      try {
        return await client.get(prometheusRules, { namespace, name: 'support-chat-slo' });
      } catch {
        return undefined;
      }
    });
    const owner = rule.metadata.ownerReferences[0];
    assert.equal(owner?.kind, 'AgentSLO');
    assert.equal(owner?.uid, (await slo())?.metadata.uid);
    assert.ok(rule.spec.groups.length > 0);
    assert.match(JSON.stringify(rule.spec), /agent=~/);
    const s = await statusWhere('rules in place', (x) => condition(x, RULES_CONDITION)?.status === 'True');
    assert.equal(condition(s, RULES_CONDITION)?.reason, 'RulesInPlace');
  });
});
