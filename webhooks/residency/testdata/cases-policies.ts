// Residency rows, part 4: the policies — Warn and Audit modes, namespace selectors that match or
// not, exempt namespaces, several policies at once (the strictest objection answers), endpoints a
// policy adds to the catalog (exact and wildcard; never moving a catalog host), unknown endpoints
// allowed by choice, route targets with a declared region, and routes under a Warn policy.
import { EU_ONLY, EU_OPENAI, IN_EU_NAMESPACE, US_OPENAI } from './cases-workload-kinds.js';
import { agentEnv, policy, type ResidencyCase, route, workload } from './residency-case.js';

const EU_WARN = policy('eu-warn', { mode: 'Warn' });
const EU_AUDIT = policy('eu-audit', { mode: 'Audit' });
const CENTRAL_WARN = policy('central-warn', { mode: 'Warn', allowedRegions: ['eu-central-1'] });
const GATEWAY = 'https://llm-gateway.example.eu/v1';
const withGateway = policy('eu-gateway', {
  endpoints: [{ host: 'llm-gateway.example.eu', region: 'eu-west-1', jurisdiction: 'EU' }],
});

const agent = (env: Record<string, string>, name = 'policy-agent') =>
  workload('Deployment', name, agentEnv(env));
const base = { ...IN_EU_NAMESPACE, kind: 'Deployment' as const };
const withCreation = (manifest: unknown, creationTimestamp: string) => {
  const m = manifest as { metadata: object };
  return { ...m, metadata: { ...m.metadata, creationTimestamp } };
};

export const POLICY_CASES: ResidencyCase[] = [
  {
    ...base,
    policies: [EU_WARN],
    name: 'Warn mode: a US endpoint is allowed with a warning naming policy, container, host and region',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'warned',
    mentions: [
      'residency policy residency-case-eu-warn (Warn): container agent, env OPENAI_BASE_URL → api.openai.com, region us (US) is not allowed',
    ],
  },
  {
    ...base,
    policies: [EU_WARN],
    name: 'Warn mode: an EU endpoint draws no warning',
    object: agent({ OPENAI_BASE_URL: EU_OPENAI }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [EU_AUDIT],
    name: 'Audit mode: a US endpoint is allowed and noted for the audit log',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'audited',
    mentions: [
      'policy residency-case-eu-audit',
      '/policy-agent container agent, env OPENAI_BASE_URL → api.openai.com, region us',
    ],
  },
  {
    ...base,
    policies: [EU_ONLY],
    namespaceLabels: { 'residency-case': 'us' },
    name: 'a namespace the policy does not select is not judged',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [EU_ONLY],
    namespaceLabels: {},
    name: 'a namespace without labels is not selected by a matchLabels policy',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [policy('everywhere', { selects: {} })],
    namespaceLabels: {},
    name: 'a policy with an empty selector judges every namespace',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'denied',
    mentions: ['policy residency-case-everywhere'],
  },
  {
    ...base,
    policies: [policy('everywhere', { selects: {} })],
    namespace: 'agent-governor-system',
    name: "the operator's namespace is exempt",
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [policy('everywhere', { selects: {} })],
    namespace: 'kube-system',
    name: 'kube-system is exempt',
    object: workload('DaemonSet', 'node-agent', agentEnv({ OPENAI_BASE_URL: US_OPENAI })),
    kind: 'DaemonSet',
    expect: 'allowed',
  },
  {
    ...base,
    policies: [EU_ONLY, CENTRAL_WARN],
    name: 'several policies: the strictest objection answers (Enforce beats Warn)',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'denied',
    mentions: ['policy residency-case-eu-only', 'Policy residency-case-eu-only (Enforce) allows'],
  },
  {
    ...base,
    policies: [EU_ONLY, CENTRAL_WARN],
    name: 'several policies: allowed by one, warned by the other',
    object: agent({ AWS_BEDROCK_ENDPOINT: 'https://bedrock-runtime.eu-west-1.amazonaws.com' }),
    expect: 'warned',
    mentions: ['residency policy residency-case-central-warn (Warn)', 'region eu-west-1 (EU)'],
  },
  {
    ...base,
    policies: [EU_ONLY, CENTRAL_WARN],
    name: 'several policies: allowed by both',
    object: agent({ AWS_BEDROCK_ENDPOINT: 'https://bedrock-runtime.eu-central-1.amazonaws.com' }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [withGateway],
    name: 'a host the policy adds to the catalog is placed in its region',
    object: agent({ OPENAI_BASE_URL: GATEWAY }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [EU_ONLY, withGateway],
    name: "one policy's catalog additions are known to the others",
    object: agent({ OPENAI_BASE_URL: GATEWAY }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [EU_ONLY],
    name: 'the same host without the addition is unknown and refused',
    object: agent({ OPENAI_BASE_URL: GATEWAY }),
    expect: 'denied',
    mentions: ['llm-gateway.example.eu, region unknown'],
  },
  {
    ...base,
    policies: [
      policy('azure-sweden', {
        endpoints: [{ host: '*.openai.azure.com', region: 'swedencentral', jurisdiction: 'EU' }],
      }),
    ],
    name: 'a wildcard addition places every subdomain',
    object: agent({ AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com' }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [
      policy('moves-openai', {
        endpoints: [{ host: 'api.openai.com', region: 'eu-west-1', jurisdiction: 'EU' }],
      }),
    ],
    name: 'an addition cannot move a catalog host to Europe',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'denied',
    mentions: ['api.openai.com, region us (US)'],
  },
  {
    ...base,
    policies: [policy('allow-unknown', { unknownEndpoints: 'Allow' })],
    name: 'unknownEndpoints Allow: an unknown LLM host passes',
    object: agent({ OPENAI_BASE_URL: 'https://llm.example.com/v1' }),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [policy('allow-unknown', { unknownEndpoints: 'Allow' })],
    name: 'unknownEndpoints Allow: a known US host is still refused',
    object: agent({ OPENAI_BASE_URL: US_OPENAI }),
    expect: 'denied',
    mentions: ['api.openai.com, region us (US)'],
  },
  {
    ...base,
    policies: [policy('central-only', { allowedRegions: ['eu-central-1'] })],
    name: 'allowedRegions without jurisdictions: another EU region is refused',
    object: agent({ AWS_BEDROCK_ENDPOINT: 'https://bedrock-runtime.eu-west-1.amazonaws.com' }),
    expect: 'denied',
    mentions: ['region eu-west-1 (EU)', 'allows regions: eu-central-1; jurisdictions: none'],
  },
  {
    ...base,
    policies: [EU_ONLY],
    name: 'a route target the catalog cannot place is judged by the region it declares',
    routes: [
      {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'FallbackRoute',
        metadata: { name: 'case-private' },
        spec: {
          agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'policy-agent' } },
          model: 'gpt-4o',
          targets: [
            {
              name: 'gw-eu',
              provider: 'OpenAICompatible',
              endpoint: 'https://gw.example.com/v1',
              region: 'eu-west-1',
            },
          ],
        },
      },
    ],
    object: agent({}),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [EU_WARN],
    name: 'a US route target under a Warn policy is warned about',
    routes: [route('case-gpt-4o', 'policy-agent', { 'openai-us': US_OPENAI })],
    object: agent({}),
    expect: 'warned',
    mentions: ['FallbackRoute case-gpt-4o target openai-us → api.openai.com, region us (US)'],
  },
  {
    ...base,
    policies: [EU_ONLY],
    name: 'two routes claim the model: the agent uses the older one, so the newer US one is not its destination',
    routes: [
      withCreation(route('case-a-eu', 'policy-agent', { 'openai-eu': EU_OPENAI }), '2025-01-01T00:00:00Z'),
      withCreation(route('case-b-us', 'policy-agent', { 'openai-us': US_OPENAI }), '2025-02-01T00:00:00Z'),
    ],
    object: agent({}),
    expect: 'allowed',
  },
];
