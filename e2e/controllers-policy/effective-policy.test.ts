// The policy compiler on the real control plane: the effective policies of the example agents
// appear in their mirror ConfigMaps (route, targets, regions, budget, SLO, criticality), follow the
// budget status the TokenBudget controller writes, and go away with the agent's last workload.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tokenBudgets } from '../../agents/governor-resources.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { configMaps, deployments } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { type ExamplesEnvironment, example, startExamplesEnvironment } from './examples-environment.js';

describe('effective policies of the example agents', { timeout: 240_000 }, () => {
  let env: ExamplesEnvironment;
  before(async () => {
    env = await startExamplesEnvironment('effective-policy-test');
  });
  after(async () => {
    await env?.stop();
  });

  it('mirrors the effective policy of marketing with its route, targets, regions and budget', async () => {
    const policy = await env.mirrored('marketing', (p) => p.routes.length === 1 && p.budgets.length === 1);
    assert.deepEqual(policy.agent, { namespace: env.ns, name: 'marketing', critical: false });
    const route = policy.routes[0];
    assert.equal(route?.name, 'gpt-4o');
    assert.equal(route?.model, 'gpt-4o');
    assert.deepEqual(
      route?.targets.map((t) => [t.name, t.baseUrl, t.region, t.jurisdiction, t.credentials?.file]),
      [
        [
          'openai-eu',
          'https://eu.api.openai.com/v1',
          'eu',
          'EU',
          '/var/run/agent-governor/credentials/openai-credentials/api-key',
        ],
        [
          'azure-sweden',
          'https://agents-prod.openai.azure.com',
          'swedencentral',
          'EU',
          '/var/run/agent-governor/credentials/azure-openai-credentials/api-key',
        ],
      ],
    );
    assert.equal(route?.degradeTo?.model, 'gpt-4o-mini');
    assert.deepEqual(
      route?.compression,
      {
        steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
        keepTurns: 4,
        keepLines: 3,
      },
      "the example's compression reaches the sidecar's policy",
    );
    assert.equal(policy.budgets[0]?.name, `${env.ns}/marketing-daily`);
    assert.equal(policy.budgets[0]?.phase, 'Active');
    assert.equal(policy.budgets[0]?.degradeModel, 'gpt-4o-mini');
    assert.equal(policy.reasoning.maxTokensPerRequest, 4096);
    assert.deepEqual(
      policy.residency?.policies.map((p) => [p.name, p.mode]),
      [[env.policyName, 'Enforce']],
    );
    assert.equal(
      env.store.get(env.ns, 'marketing')?.version,
      policy.version,
      'the mirror holds the version the long-poll serves',
    );
  });

  it('mirrors support as critical with its SLO, and degrades it when its budget is exhausted', async () => {
    const policy = await env.mirrored('support', (p) => p.slos.length === 1);
    assert.equal(policy.agent.critical, true);
    assert.equal(policy.slos[0]?.latencyThresholdMs, 1000);
    assert.equal(policy.routes[0]?.name, 'gpt-4o');

    // What the TokenBudget controller writes when a budget runs out: Suspend for the budget.
    const budget = example('token-budget-marketing-daily.yaml');
    budget.metadata = { name: 'support-daily', namespace: env.ns };
    budget.spec.agentSelector = { matchLabels: { 'governor.agents.dev/agent': 'support' } };
    await env.client.create(tokenBudgets, budget as never);
    await env.client.patchStatus(
      tokenBudgets,
      { namespace: env.ns, name: 'support-daily' },
      {
        type: 'merge',
        body: {
          status: {
            phase: 'Exhausted',
            used: { tokens: 2_000_000 },
            percent: 100,
            activeActions: ['Alert', 'Suspend'],
          },
        },
      },
    );
    const degraded = await env.mirrored('support', (p) => p.budgets[0]?.phase === 'Exhausted');
    assert.deepEqual(
      degraded.budgets[0]?.actions,
      ['Alert', 'Degrade'],
      'a critical agent is degraded, never suspended',
    );
    assert.ok(Number(degraded.version) > Number(policy.version));
  });

  it('removes the policy and its mirror when the agent has no workloads left', async () => {
    await env.client.create(deployments, {
      metadata: { name: 'short-lived-agent', namespace: env.ns },
      spec: {
        selector: { matchLabels: { app: 'short-lived' } },
        template: {
          metadata: { labels: { app: 'short-lived', 'governor.agents.dev/agent': 'short-lived' } },
          spec: { containers: [{ name: 'agent', image: 'example/agent:1' }] },
        },
      },
    } as KubeObject);
    await env.mirrored('short-lived');
    await env.client.delete(deployments, { namespace: env.ns, name: 'short-lived-agent' });
    await eventually('the mirror of short-lived to be deleted', async () =>
      (await env.client.get(configMaps, { namespace: env.ns, name: 'governor-policy-short-lived' })) ===
      undefined
        ? true
        : undefined,
    );
    assert.equal(env.store.get(env.ns, 'short-lived'), undefined);
  });
});
