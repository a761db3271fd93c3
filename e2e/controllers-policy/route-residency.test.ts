// The FallbackRoute and DataResidencyPolicy controllers on the real control plane: the example
// route resolves Ready, a route with a US target under the EU-only policy stalls (kubectl wait
// sees it), two routes claiming one model conflict, and the residency audit lists a Deployment
// pointing at api.openai.com — then clears it at the next audit once fixed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fallbackRoutes } from '../../agents/governor-resources.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { deployments, events } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { type ExamplesEnvironment, startExamplesEnvironment } from './examples-environment.js';

describe('route status and residency audit', { timeout: 240_000 }, () => {
  let env: ExamplesEnvironment;
  before(async () => {
    env = await startExamplesEnvironment('route-residency-test');
  });
  after(async () => {
    await env?.stop();
  });

  it('reports the example route Ready with its resolved targets and agents', async () => {
    const status = await env.routeStatus(
      'gpt-4o',
      // Both agents' workloads may reach the cache one after the other: wait for the whole picture.
      (s) => s.agents === 2 && s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
    );
    assert.equal(status.agents, 2);
    assert.deepEqual(
      status.resolvedTargets?.map((t) => [t.name, t.host, t.region, t.allowed]),
      [
        ['openai-eu', 'eu.api.openai.com', 'eu', true],
        ['azure-sweden', 'agents-prod.openai.azure.com', 'swedencentral', true],
      ],
    );
    // Settled: re-reconciles (the residency audit rewrites its policy every 2 s) write nothing.
    // Late cache events may still cause a write or two right after Ready; the status must then
    // reach a point where a 2.5 s window passes without any write.
    const versions: string[] = [];
    for (let window = 0; window < 8; window++) {
      const settled = await env.client.get(fallbackRoutes, { namespace: env.ns, name: 'gpt-4o' });
      await sleep(2_500);
      const later = await env.client.get(fallbackRoutes, { namespace: env.ns, name: 'gpt-4o' });
      versions.push(`${settled?.metadata?.resourceVersion}→${later?.metadata?.resourceVersion}`);
      if (later?.metadata?.resourceVersion === settled?.metadata?.resourceVersion) break;
    }
    const last = versions.at(-1)?.split('→');
    assert.equal(last?.[1], last?.[0], `the route status kept changing: ${versions.join(', ')}`);
  });

  it('stalls a route with a US target under the EU-only policy, naming target, region and policy', async () => {
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { name: 'gpt-4-1-us', namespace: env.ns },
      spec: {
        agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'marketing' } },
        model: 'gpt-4.1',
        targets: [{ name: 'openai-us', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1' }],
      },
    } as unknown as FallbackRoute);
    const waited = await env.cluster.kubectl(
      ['wait', '--for=condition=Stalled', '--timeout=30s', '-n', env.ns, 'fallbackroute/gpt-4-1-us'],
      { check: true },
    );
    assert.match(waited.stdout, /condition met/);
    const status = await env.routeStatus(
      'gpt-4-1-us',
      (s) => s.conditions?.some((c) => c.type === 'Stalled') === true,
    );
    const stalled = status.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(stalled?.reason, 'TargetRegionForbidden');
    assert.match(stalled?.message ?? '', /target openai-us/);
    assert.match(stalled?.message ?? '', /region us/);
    assert.match(stalled?.message ?? '', new RegExp(`"${env.policyName}"`));
    assert.equal(status.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.deepEqual(
      status.resolvedTargets?.map((t) => [t.name, t.region, t.allowed]),
      [['openai-us', 'us', false]],
    );
    const warning = await eventually('a TargetRegionForbidden Event', async () =>
      (await env.client.list(events, { namespace: env.ns })).find(
        (e) => e.reason === 'TargetRegionForbidden' && e.regarding?.name === 'gpt-4-1-us',
      ),
    );
    assert.equal(warning.type, 'Warning');
  });

  it('stalls the newer of two routes claiming the same model for one agent', async () => {
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { name: 'gpt-4o-again', namespace: env.ns },
      spec: {
        agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'marketing' } },
        model: 'gpt-4o',
        targets: [{ name: 'mistral', provider: 'OpenAICompatible', endpoint: 'https://api.mistral.ai/v1' }],
      },
    } as unknown as FallbackRoute);
    const status = await env.routeStatus(
      'gpt-4o-again',
      (s) => s.conditions?.some((c) => c.type === 'Stalled') === true,
    );
    const stalled = status.conditions?.find((c) => c.type === 'Stalled');
    assert.equal(stalled?.reason, 'ConflictingRoutes');
    assert.match(stalled?.message ?? '', /route gpt-4o already claims model gpt-4o for agent/);
    const policy = await env.mirrored('marketing');
    assert.deepEqual(
      policy.routes.map((r) => r.name).sort(),
      ['gpt-4-1-us', 'gpt-4o'],
      'the older route stays in force',
    );
    await env.client.delete(fallbackRoutes, { namespace: env.ns, name: 'gpt-4o-again' });
  });

  it('lists a Deployment pointing at api.openai.com as a violation, and clears it once fixed', async () => {
    await env.client.create(deployments, {
      metadata: { name: 'rogue-agent', namespace: env.ns },
      spec: {
        selector: { matchLabels: { app: 'rogue' } },
        template: {
          metadata: { labels: { app: 'rogue', 'governor.agents.dev/agent': 'rogue' } },
          spec: {
            containers: [
              {
                name: 'agent',
                image: 'example/rogue:1',
                env: [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }],
              },
            ],
          },
        },
      },
    } as KubeObject);
    const found = await env.residencyStatus((s) =>
      (s.violations ?? []).some((v) => v.name === 'rogue-agent'),
    );
    assert.deepEqual(
      found.violations?.find((v) => v.name === 'rogue-agent'),
      {
        namespace: env.ns,
        kind: 'Deployment',
        name: 'rogue-agent',
        container: 'agent',
        source: 'env OPENAI_BASE_URL',
        endpoint: 'https://api.openai.com/v1',
        region: 'us',
      },
    );
    assert.ok((found.violationCount ?? 0) >= 1);
    assert.ok(found.lastAuditTime);
    const event = await eventually('a ResidencyViolation Event', async () =>
      (await env.client.list(events, { namespace: 'default' })).find(
        (e) =>
          e.reason === 'ResidencyViolation' &&
          e.regarding?.name === env.policyName &&
          (e.note ?? '').includes('rogue-agent'),
      ),
    );
    assert.match(event.note ?? '', /api\.openai\.com/);

    await env.client.patch(
      deployments,
      { namespace: env.ns, name: 'rogue-agent' },
      {
        type: 'strategic',
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'agent',
                    env: [{ name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' }],
                  },
                ],
              },
            },
          },
        },
      },
    );
    const cleared = await env.residencyStatus(
      (s) => !(s.violations ?? []).some((v) => v.name === 'rogue-agent'),
    );
    assert.ok(Date.parse(cleared.lastAuditTime ?? '') > Date.parse(found.lastAuditTime ?? ''));
  });
});
