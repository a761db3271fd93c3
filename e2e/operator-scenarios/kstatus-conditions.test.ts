// Every kind reads right to kstatus (what Flux and Argo CD health checks use), with the operator as
// shipped (`agent-governor operator`): Current once reconciled (Ready=True for the current
// generation, also after a spec change), Failed while it cannot progress without a person's change
// (Stalled=True, with a message naming the field or object at fault), and Current again once the
// person fixed it. A DataResidencyPolicy is Failed while it allows a region no endpoint can be in
// (a misspelt region: the API server's schema cannot know the catalog).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  agentSLOs,
  dataResidencyPolicies,
  fallbackRoutes,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import { type AgentSLO, agentSLOSpec } from '../../apis/agent-slo.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { ResourceType } from '../../runtime/kube/resource-type.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import {
  type GovernedAgents,
  governedAgents,
  mockRoute,
  type OperatorCli,
  startOperatorCli,
  teamBudget,
} from '../../testing/governed-agents.js';
import { type KstatusVerdict, kstatusOf, type StatusCarrier } from '../../testing/kstatus-reading.js';

describe('kstatus of every kind, reconciled by `agent-governor operator`', { timeout: 240_000 }, () => {
  let env: GovernedAgents;
  let operator: OperatorCli;
  let zoneLabel: string;
  const residencyName = () => `${env.namespace}-eu-only`;

  before(async () => {
    env = await governedAgents('kstatus');
    // Only this suite's namespace is selected by its residency policy (other suites share the cluster).
    zoneLabel = `e2e.governor.agents.dev/${env.namespace}`;
    await env.client.patch(
      namespaces,
      { name: env.namespace },
      {
        type: 'merge',
        body: { metadata: { labels: { [zoneLabel]: 'eu' } } },
      },
    );
    await createWorkloads(env.client, {
      deployments: [agentDeployment(env.namespace, 'chat', { replicas: 1, labels: { team: 'support' } })],
      cronJobs: [],
    });
    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'kstatus-operator',
      lease: 'agent-governor-leader',
    });
  });

  after(async () => {
    await operator?.stop('SIGKILL');
    // Cluster-scoped: never left behind for the suites that follow.
    if (env) await env.client.delete(dataResidencyPolicies, { name: residencyName() });
    await env?.close();
  });

  /** Waits until the object reads `want` to kstatus; resolves with it. */
  const reads = async <T extends StatusCarrier>(
    resource: ResourceType<T>,
    name: string,
    want: KstatusVerdict,
    namespaced = true,
  ): Promise<T> =>
    eventually(`${resource.kind} ${name} to read ${want}`, async () => {
      const found = await env.client.get(
        resource,
        namespaced ? { namespace: env.namespace, name } : { name },
      );
      if (!found) return undefined;
      const { verdict, why } = kstatusOf(found);
      if (verdict !== want) throw new Error(`${verdict}: ${why}`);
      return found;
    });
  const stalledMessage = (object: StatusCarrier) => {
    const stalled = object.status?.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(object.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    return { reason: stalled?.reason, message: stalled?.message ?? '' };
  };
  const kubectlWait = (resource: string, condition: string) =>
    env.cluster.kubectl(
      ['wait', `--for=condition=${condition}`, '--timeout=30s', '-n', env.namespace, resource],
      { check: true },
    );

  it('TokenBudget: Current, Current again after a spec change, Failed on a bad period, Current once fixed', async () => {
    await env.client.create(
      tokenBudgets,
      teamBudget(env.namespace, { name: 'daily', team: 'support', tokens: 1_000, route: 'gpt-4o' }),
    );
    const current = await reads(tokenBudgets, 'daily', 'Current');
    await env.client.patch(
      tokenBudgets,
      { namespace: env.namespace, name: 'daily' },
      {
        type: 'merge',
        body: { spec: { limits: { tokens: 2_000 } } },
      },
    );
    const changed = await reads(tokenBudgets, 'daily', 'Current');
    assert.ok((changed.metadata.generation ?? 0) > (current.metadata.generation ?? 0));

    await env.client.create(tokenBudgets, {
      ...teamBudget(env.namespace, { name: 'hourly', team: 'support', tokens: 1_000, route: 'gpt-4o' }),
      spec: {
        ...teamBudget(env.namespace, { name: 'hourly', team: 'support', tokens: 1_000, route: 'gpt-4o' })
          .spec,
        period: { reset: 'Cron', timeZone: 'UTC', schedule: '0 25 * * *' },
      },
    } as TokenBudget);
    const failed = await reads(tokenBudgets, 'hourly', 'Failed');
    const stalled = stalledMessage(failed);
    assert.equal(stalled.reason, 'InvalidPeriod');
    assert.match(stalled.message, /^spec\.period: .*"0 25 \* \* \*"/);
    await kubectlWait('tokenbudget/hourly', 'Stalled');

    await env.client.patch(
      tokenBudgets,
      { namespace: env.namespace, name: 'hourly' },
      {
        type: 'merge',
        body: { spec: { period: { schedule: '0 * * * *' } } },
      },
    );
    await reads(tokenBudgets, 'hourly', 'Current');
    await kubectlWait('tokenbudget/hourly', 'Ready');
  });

  it('FallbackRoute: Current, Failed when it conflicts with an older route, Current once narrowed', async () => {
    const route = (name: string) =>
      mockRoute(env.namespace, {
        name,
        model: 'gpt-4o',
        degradeTo: 'gpt-4o-mini',
        baseUrl: 'http://127.0.0.1:9/v1',
        team: 'support',
      });
    await env.client.create(fallbackRoutes, route('gpt-4o'));
    await reads(fallbackRoutes, 'gpt-4o', 'Current');

    await env.client.create(fallbackRoutes, route('gpt-4o-again'));
    const failed = await reads(fallbackRoutes, 'gpt-4o-again', 'Failed');
    const stalled = stalledMessage(failed);
    assert.equal(stalled.reason, 'ConflictingRoutes');
    assert.match(
      stalled.message,
      new RegExp(`route gpt-4o already claims model gpt-4o for agent ${env.namespace}/chat`),
    );
    await reads(fallbackRoutes, 'gpt-4o', 'Current');

    await env.client.patch(
      fallbackRoutes,
      { namespace: env.namespace, name: 'gpt-4o-again' },
      {
        type: 'merge',
        body: { spec: { model: 'gpt-4.1' } },
      },
    );
    await reads(fallbackRoutes, 'gpt-4o-again', 'Current');
  });

  it('AgentSLO: Current, Failed on a threshold no sidecar can measure, Current once fixed', async () => {
    const slo = (name: string, threshold: string): AgentSLO => ({
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentSLO',
      metadata: { namespace: env.namespace, name },
      spec: agentSLOSpec.parse({
        agentSelector: { matchLabels: { team: 'support' } },
        window: '1d',
        objectives: { latency: { threshold, target: '95' }, success: { target: '99' } },
      }),
    });
    await env.client.create(agentSLOs, slo('chat-latency', '1s'));
    await reads(agentSLOs, 'chat-latency', 'Current');

    await env.client.create(agentSLOs, slo('chat-instant', '1ms'));
    const failed = await reads(agentSLOs, 'chat-instant', 'Failed');
    const stalled = stalledMessage(failed);
    assert.equal(stalled.reason, 'ThresholdNotMeasurable');
    assert.match(
      stalled.message,
      /^spec\.objectives\.latency\.threshold: 1ms is below the smallest latency bucket/,
    );
    await kubectlWait('agentslo/chat-instant', 'Stalled');

    await env.client.patch(
      agentSLOs,
      { namespace: env.namespace, name: 'chat-instant' },
      {
        type: 'merge',
        body: { spec: { objectives: { latency: { threshold: '100ms' } } } },
      },
    );
    await reads(agentSLOs, 'chat-instant', 'Current');
  });

  it('DataResidencyPolicy: Current after its audit, again after a spec change, Failed on a misspelt region, Current once fixed', async () => {
    await env.client.create(dataResidencyPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'DataResidencyPolicy',
      metadata: { name: residencyName() },
      spec: {
        mode: 'Audit',
        namespaceSelector: { matchLabels: { [zoneLabel]: 'eu' } },
        allowedJurisdictions: ['EU'],
        auditInterval: '1m',
      },
    } as DataResidencyPolicy);
    const current = await reads(dataResidencyPolicies, residencyName(), 'Current', false);
    assert.equal(current.status?.violationCount, 0);
    await env.client.patch(
      dataResidencyPolicies,
      { name: residencyName() },
      {
        type: 'merge',
        body: { spec: { allowedJurisdictions: ['EU', 'CH'] } },
      },
    );
    const changed = await reads(dataResidencyPolicies, residencyName(), 'Current', false);
    assert.ok((changed.metadata.generation ?? 0) > (current.metadata.generation ?? 0));

    await env.client.patch(
      dataResidencyPolicies,
      { name: residencyName() },
      { type: 'merge', body: { spec: { allowedRegions: ['eu-west1'] } } },
    );
    const failed = await reads(dataResidencyPolicies, residencyName(), 'Failed', false);
    const stalled = stalledMessage(failed);
    assert.equal(stalled.reason, 'UnknownRegion');
    assert.match(
      stalled.message,
      /^spec\.allowedRegions\[0\]: eu-west1 is no region the endpoint catalog knows \(did you mean [^)]*eu-west-1/,
    );
    assert.equal(failed.status?.violationCount, 0, 'still audited');
    await env.cluster.kubectl(
      ['wait', '--for=condition=Stalled', '--timeout=30s', `dataresidencypolicy/${residencyName()}`],
      { check: true },
    );

    await env.client.patch(
      dataResidencyPolicies,
      { name: residencyName() },
      { type: 'merge', body: { spec: { allowedRegions: ['eu-west-1'] } } },
    );
    await reads(dataResidencyPolicies, residencyName(), 'Current', false);
  });

  it('`kubectl get governor` lists every kind with its columns', async () => {
    const table = await env.cluster.kubectl(['get', 'governor', '-n', env.namespace], { check: true });
    for (const name of ['tokenbudget.*/daily', 'fallbackroute.*/gpt-4o', 'agentslo.*/chat-latency']) {
      assert.match(table.stdout, new RegExp(name));
    }
  });
});
