// A cluster like the demo's, as plain objects: the EU-only residency policy (with the refusal of the
// US-endpoint workload in its status), the gpt-4o route (OpenAI EU, Azure Sweden), the marketing
// agent (a Deployment reading a Qdrant index in the US, a CronJob declaring a nightly export to a US
// bucket) and the critical support agent (its prompt in a ConfigMap), and a usage ledger with what
// the sidecars saw answer. Shared by the governance unit tests.
import type { Agent } from '../../agents/agent-discovery.js';
import { discoverAgents } from '../../agents/agent-discovery.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import type { ConfigMapContent } from '../agent-version.js';
import type { DataflowInputs } from '../dataflow-map.js';

export const NAMESPACE = 'governor-demo';

export const residencyPolicy = {
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'DataResidencyPolicy',
  metadata: { name: 'demo-eu-only' },
  spec: {
    mode: 'Enforce',
    namespaceSelector: { matchLabels: { 'demo.governor.agents.dev/data-zone': 'eu' } },
    allowedJurisdictions: ['EU', 'CH'],
    unknownEndpoints: 'Deny',
    auditInterval: '1m',
  },
  status: {
    refusalCount: 1,
    refusals: [
      {
        time: '2026-03-02T09:00:00Z',
        namespace: NAMESPACE,
        kind: 'Deployment',
        name: 'research-agent',
        agent: 'research',
        user: 'dev@example.com',
        container: 'agent',
        source: 'env OPENAI_BASE_URL',
        endpoint: 'https://api.openai.com/v1',
        host: 'api.openai.com',
        region: 'us',
        jurisdiction: 'US',
      },
    ],
  },
} as unknown as DataResidencyPolicy;

export const route = {
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'FallbackRoute',
  metadata: { name: 'gpt-4o', namespace: NAMESPACE, creationTimestamp: '2026-03-01T00:00:00Z' },
  spec: {
    agentSelector: {
      matchExpressions: [
        { key: 'governor.agents.dev/agent', operator: 'In', values: ['marketing', 'support'] },
      ],
    },
    model: 'gpt-4o',
    targets: [
      { name: 'openai-eu', provider: 'OpenAI', endpoint: 'https://eu.api.openai.com/v1', model: 'gpt-4o' },
      {
        name: 'azure-sweden',
        provider: 'AzureOpenAI',
        endpoint: 'https://agents-prod.openai.azure.com',
        model: 'gpt-4o-prod',
        region: 'swedencentral',
      },
    ],
    degradeTo: { model: 'gpt-4o-mini' },
  },
} as unknown as FallbackRoute;

export const marketingDeployment = {
  metadata: { name: 'marketing-agent', namespace: NAMESPACE },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: 'marketing-agent', 'governor.agents.dev/agent': 'marketing' } },
      spec: {
        containers: [
          {
            name: 'agent',
            image: 'ghcr.io/example/marketing-agent:1.4.2',
            env: [
              { name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' },
              { name: 'OPENAI_MODEL', value: 'gpt-4o' },
              { name: 'QDRANT_URL', value: 'https://campaigns.us-east4-0.gcp.cloud.qdrant.io:6333' },
              { name: 'REDIS_URL', value: 'redis://sessions.governor-demo.svc:6379/0' },
            ],
          },
        ],
      },
    },
  },
};

export const marketingCronJob = {
  metadata: {
    name: 'marketing-nightly-report',
    namespace: NAMESPACE,
    annotations: {
      'governor.agents.dev/dataflows':
        '- name: nightly-export\n  to: s3://acme-campaign-exports/daily/\n  region: us-east-1\n  description: campaign results for analytics\n',
    },
  },
  spec: {
    jobTemplate: {
      spec: {
        template: {
          metadata: { labels: { 'governor.agents.dev/agent': 'marketing' } },
          spec: {
            containers: [
              {
                name: 'agent',
                image:
                  'ghcr.io/example/report-agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
                args: ['--report', 'nightly-campaigns'],
                env: [{ name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' }],
              },
            ],
          },
        },
      },
    },
  },
};

export const supportDeployment = {
  metadata: { name: 'support-agent', namespace: NAMESPACE },
  spec: {
    replicas: 2,
    template: {
      metadata: {
        labels: {
          app: 'support-agent',
          'governor.agents.dev/agent': 'support',
          'governor.agents.dev/criticality': 'critical',
        },
      },
      spec: {
        containers: [
          {
            name: 'agent',
            image: 'ghcr.io/example/support-agent:2.0.0',
            env: [
              { name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' },
              { name: 'PGVECTOR_URL', value: 'postgres://kb.abc123.eu-central-1.rds.amazonaws.com:5432/kb' },
            ],
            volumeMounts: [{ name: 'prompt', mountPath: '/etc/prompt' }],
          },
        ],
        volumes: [{ name: 'prompt', configMap: { name: 'support-prompt' } }],
      },
    },
  },
};

export const configMaps: Record<string, ConfigMapContent> = {
  'support-prompt': { data: { 'system.txt': 'You are the support assistant of Example Ltd. Be brief.' } },
};

export const ledger = {
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'AgentUsageLedger',
  metadata: { name: 'support', namespace: NAMESPACE },
  spec: {
    agent: 'support',
    totals: {
      requests: 12,
      inputTokens: 1200,
      outputTokens: 240,
      cachedInputTokens: 0,
      estimatedTokens: 0,
      costMicros: 0,
    },
    periods: [],
    buckets: { minutes: [], fiveMinutes: [], hours: [], days: [] },
    instances: [],
    observedTargets: [
      {
        route: 'gpt-4o',
        target: 'openai-eu',
        model: 'gpt-4o',
        requests: 10,
        inputTokens: 1000,
        outputTokens: 200,
        firstSeen: '2026-03-02T08:00:00.000Z',
        lastSeen: '2026-03-02T08:30:00.000Z',
      },
      {
        route: 'gpt-4o',
        target: 'azure-sweden',
        model: 'gpt-4o-prod',
        requests: 2,
        inputTokens: 200,
        outputTokens: 40,
        firstSeen: '2026-03-02T08:10:00.000Z',
        lastSeen: '2026-03-02T08:12:00.000Z',
      },
    ],
  },
} as unknown as AgentUsageLedger;

export function demoLikeAgents(): Agent[] {
  return [
    ...discoverAgents([
      { kind: 'Deployment', objects: [marketingDeployment, supportDeployment] },
      { kind: 'CronJob', objects: [marketingCronJob] },
    ]).values(),
  ];
}

export function demoLikeInputs(overrides: Partial<DataflowInputs> = {}): DataflowInputs {
  return {
    agents: demoLikeAgents(),
    namespaceLabels: (namespace) =>
      namespace === NAMESPACE ? { 'demo.governor.agents.dev/data-zone': 'eu' } : undefined,
    residencyPolicies: [residencyPolicy],
    operatorNamespace: 'agent-governor-system',
    routes: [route],
    configMap: (namespace, name) => (namespace === NAMESPACE ? configMaps[name] : undefined),
    ledgers: [ledger],
    now: new Date('2026-03-02T10:00:00Z'),
    ...overrides,
  };
}
