import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverAgents } from '../../agents/agent-discovery.js';
import { type DataResidencyPolicy, dataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { type FallbackRoute, fallbackRoute } from '../../apis/fallback-route.js';
import { auditedWorkloadsOf } from '../../residency/audited-workloads.js';
import { auditResidency, MAX_LISTED_VIOLATIONS } from './residency-audit.js';

const agentLabel = 'governor.agents.dev/agent';
const policy = dataResidencyPolicy.parse({
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'DataResidencyPolicy',
  metadata: { name: 'eu-only' },
  spec: { mode: 'Audit', namespaceSelector: {}, allowedJurisdictions: ['EU'] },
}) as DataResidencyPolicy;
const deployment = (name: string, env: Array<{ name: string; value?: string; valueFrom?: unknown }>) => ({
  metadata: { name, namespace: 'agents' },
  spec: {
    template: {
      metadata: { labels: { [agentLabel]: name } },
      spec: { containers: [{ name: 'agent', env }] },
    },
  },
});
const usRoute = fallbackRoute.parse({
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'FallbackRoute',
  metadata: { name: 'gpt-4o', namespace: 'agents' },
  spec: {
    agentSelector: { matchLabels: { [agentLabel]: 'ok' } },
    model: 'gpt-4o',
    targets: [{ name: 'openai-us', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1' }],
  },
}) as FallbackRoute;

const audit = (objects: ReturnType<typeof deployment>[], routes: FallbackRoute[] = [], configMaps = {}) =>
  auditResidency({
    policy,
    agents: [...discoverAgents([{ kind: 'Deployment', objects }]).values()],
    configMaps: () => configMaps,
    routes: () => routes,
  });

describe('auditResidency', () => {
  it('lists a workload pointing at a US endpoint with container, source, endpoint and region', () => {
    const result = audit([
      deployment('bad', [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }]),
      deployment('ok', [{ name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' }]),
    ]);
    assert.equal(result.workloads, 2);
    assert.deepEqual(result.violations, [
      {
        namespace: 'agents',
        kind: 'Deployment',
        name: 'bad',
        container: 'agent',
        source: 'env OPENAI_BASE_URL',
        endpoint: 'https://api.openai.com/v1',
        region: 'us',
      },
    ]);
    assert.match(
      result.all[0]?.message ?? '',
      /Deployment agents\/bad container agent env OPENAI_BASE_URL: egress to api.openai.com/,
    );
  });

  it('reads ConfigMap-provided endpoints and judges unknown LLM endpoints', () => {
    const result = audit(
      [
        deployment('cm', [
          { name: 'OPENAI_BASE_URL', valueFrom: { configMapKeyRef: { name: 'llm', key: 'url' } } },
        ]),
      ],
      [],
      { llm: { url: 'https://acme.openai.azure.com' } },
    );
    assert.deepEqual(
      result.violations.map((v) => [v.source, v.region]),
      [['env OPENAI_BASE_URL (configmap llm/url)', undefined]],
    );
  });

  it('includes the forbidden targets of the routes the agent uses', () => {
    const result = audit([deployment('ok', [])], [usRoute]);
    assert.deepEqual(result.violations, [
      {
        namespace: 'agents',
        kind: 'FallbackRoute',
        name: 'gpt-4o',
        source: 'target openai-us',
        endpoint: 'https://api.openai.com/v1',
        region: 'us',
      },
    ]);
  });

  it('reads the egress annotation from the workload when its pod template has none', () => {
    const annotated = {
      ...deployment('egress', []),
      metadata: {
        name: 'egress',
        namespace: 'agents',
        annotations: { 'governor.agents.dev/egress': 'api.anthropic.com' },
      },
    };
    const result = audit([annotated]);
    assert.deepEqual(
      result.violations.map((v) => [v.name, v.container, v.source, v.region]),
      [['egress', undefined, 'annotation governor.agents.dev/egress', 'us']],
    );
  });

  it('keeps the first 100 violations and counts them all', () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      deployment(`a${String(i).padStart(3, '0')}`, [
        { name: 'OPENAI_BASE_URL', value: 'https://api.openai.com' },
      ]),
    );
    const result = audit(many);
    assert.equal(result.violationCount, 120);
    assert.equal(result.violations.length, MAX_LISTED_VIOLATIONS);
    assert.equal(result.violations[0]?.name, 'a000');
  });

  it('audits the other workloads too: a bare Pod and a DaemonSet without the agent label', () => {
    const env = [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }];
    const workloads = [
      ...auditedWorkloadsOf('Pod', [
        { metadata: { name: 'debug', namespace: 'tools' }, spec: { containers: [{ name: 'shell', env }] } },
      ]),
      ...auditedWorkloadsOf('DaemonSet', [
        {
          metadata: { name: 'collector', namespace: 'tools' },
          spec: { template: { metadata: {}, spec: { containers: [{ name: 'ship', env }] } } },
        },
      ]),
    ];
    const result = auditResidency({
      policy,
      agents: [],
      workloads,
      configMaps: () => ({}),
      routes: () => [],
    });
    assert.equal(result.workloads, 2);
    assert.deepEqual(
      result.violations.map((v) => [v.kind, v.name, v.container, v.source, v.endpoint, v.region]),
      [
        ['DaemonSet', 'collector', 'ship', 'env OPENAI_BASE_URL', 'https://api.openai.com/v1', 'us'],
        ['Pod', 'debug', 'shell', 'env OPENAI_BASE_URL', 'https://api.openai.com/v1', 'us'],
      ],
    );
  });
});
