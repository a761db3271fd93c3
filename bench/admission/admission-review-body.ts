// What the admission benchmark sends: the AdmissionReview of a pod with ten containers of twenty
// env vars each (LLM endpoints in the EU, cluster-internal URLs, plain settings), the policy and route
// around it. Every review is admitted: the common case, and the one that judges every destination.
import { API_VERSION } from '../../apis/group-version.js';

export const BENCH_NAMESPACE = 'agents';

export const EU_POLICY = {
  apiVersion: API_VERSION,
  kind: 'DataResidencyPolicy',
  // As the operator's informer cache holds it: compilations are keyed by uid and resourceVersion.
  metadata: { name: 'eu-only', uid: 'c0d6b1b2-0000-4000-8000-000000000001', resourceVersion: '1' },
  spec: {
    mode: 'Enforce',
    namespaceSelector: { matchLabels: { 'data-zone': 'eu' } },
    allowedJurisdictions: ['EU'],
  },
};

export function benchRoute() {
  return {
    apiVersion: API_VERSION,
    kind: 'FallbackRoute',
    metadata: { name: 'gpt-4o', namespace: BENCH_NAMESPACE },
    spec: {
      agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'support' } },
      model: 'gpt-4o',
      targets: [
        { name: 'eu', provider: 'OpenAI', endpoint: 'https://eu.api.openai.com/v1' },
        {
          name: 'bedrock',
          provider: 'OpenAICompatible',
          endpoint: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
        },
      ],
    },
  };
}

/** Twenty env vars: two LLM endpoints, three cluster-internal URLs, fifteen plain settings. */
function environment(container: number) {
  return [
    { name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' },
    { name: 'ANTHROPIC_BASE_URL', value: 'https://bedrock-runtime.eu-central-1.amazonaws.com' },
    { name: 'DATABASE_URL', value: `postgres://db-${container}.agents.svc.cluster.local:5432/app` },
    { name: 'CACHE_URL', value: 'redis://cache.agents.svc:6379/0' },
    { name: 'METRICS_ENDPOINT', value: 'http://otel-collector.observability.svc:4318' },
    ...Array.from({ length: 15 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${container}-${i}` })),
  ];
}

export function admissionReviewBody(kind: 'Pod' = 'Pod'): string {
  const pod = {
    apiVersion: 'v1',
    kind,
    metadata: {
      generateName: 'support-',
      namespace: BENCH_NAMESPACE,
      labels: { app: 'support', 'governor.agents.dev/agent': 'support' },
    },
    spec: {
      containers: Array.from({ length: 10 }, (_, i) => ({
        name: `c${i}`,
        image: 'registry.example/agent:1.0',
        command: ['python', '-m', 'agent'],
        args: ['--model', 'gpt-4o', '--listen', '0.0.0.0:8080'],
        env: environment(i),
      })),
    },
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: '', version: 'v1', kind },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace: BENCH_NAMESPACE,
      operation: 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        groups: ['system:serviceaccounts'],
      },
      object: pod,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}
