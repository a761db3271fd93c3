// Residency rows, part 6: hosts that name a Service standing for a host outside the cluster — an
// ExternalName (by short name, <service>.<namespace>.svc, in a route target, one naming another), a
// Service without selector whose EndpointSlice lists a public address — judged as that host, the
// Service named in the answer; ordinary Services and private addresses stay in the cluster. Rows
// whose hosts spell out their namespace are admitted in a namespace of their own name (the e2e
// replay creates it as it is).
import { IN_EU_NAMESPACE } from './cases-workload-kinds.js';
import {
  agentEnv,
  EU_NAMESPACE_LABELS,
  externalNameService,
  policy,
  type ResidencyCase,
  route,
  selectorlessService,
  workload,
} from './residency-case.js';

const base = { ...IN_EU_NAMESPACE, policies: [...IN_EU_NAMESPACE.policies] };
const deployment = (name: string, env: Record<string, string>) => workload('Deployment', name, agentEnv(env));
/** A row admitted in its own namespace `namespace` (its hosts name it). */
const inNamespace = (namespace: string) => ({ ...base, namespace, namespaceLabels: EU_NAMESPACE_LABELS });

export const SERVICE_ALIAS_CASES: ResidencyCase[] = [
  {
    ...inNamespace('residency-alias-svc'),
    name: 'an ExternalName Service to api.openai.com is judged as api.openai.com, naming the Service',
    kind: 'Deployment',
    services: [externalNameService('llm-proxy', 'api.openai.com')],
    object: deployment('alias-user', { OPENAI_BASE_URL: 'http://llm-proxy.residency-alias-svc.svc/v1' }),
    expect: 'denied',
    mentions: [
      'container agent, env OPENAI_BASE_URL via Service residency-alias-svc/llm-proxy: http://llm-proxy.residency-alias-svc.svc/v1 → api.openai.com, region us (US); policy residency-case-eu-only',
    ],
  },
  {
    ...base,
    name: 'an ExternalName Service to the EU host, by its short name, is allowed',
    kind: 'Deployment',
    services: [externalNameService('eu-llm', 'eu.api.openai.com')],
    object: deployment('alias-eu', { OPENAI_BASE_URL: 'http://eu-llm:8080/v1' }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'an ExternalName Service to a catalog host is judged in any setting',
    kind: 'StatefulSet',
    services: [externalNameService('claude', 'api.anthropic.com')],
    object: workload('StatefulSet', 'alias-any', agentEnv({ CALLBACK_URL: 'https://claude/v1/messages' })),
    expect: 'denied',
    mentions: [
      'env CALLBACK_URL via Service ',
      '/claude: https://claude/v1/messages → api.anthropic.com, region us (US)',
    ],
  },
  {
    ...base,
    name: 'an ExternalName Service to a host the catalog cannot place is unknown in an LLM setting',
    kind: 'Deployment',
    services: [externalNameService('vendor', 'llm.unknown-vendor.example')],
    object: deployment('alias-unknown', { OPENAI_BASE_URL: 'http://vendor/v1' }),
    expect: 'denied',
    mentions: ['/vendor: http://vendor/v1 → llm.unknown-vendor.example, region unknown'],
  },
  {
    ...inNamespace('residency-alias-chain'),
    name: 'an ExternalName naming another ExternalName Service is followed to its end',
    kind: 'Deployment',
    services: [
      externalNameService('front', 'back.residency-alias-chain.svc.cluster.local'),
      externalNameService('back', 'bedrock-runtime.us-east-1.amazonaws.com'),
    ],
    object: deployment('alias-chain', { BEDROCK_ENDPOINT: 'http://front' }),
    expect: 'denied',
    mentions: [
      'via Service residency-alias-chain/front → Service residency-alias-chain/back',
      'bedrock-runtime.us-east-1.amazonaws.com, region us-east-1 (US)',
    ],
  },
  {
    ...base,
    name: 'a Service without selector whose EndpointSlice lists a public address: unknown, refused',
    kind: 'Deployment',
    services: selectorlessService('gateway', ['203.0.113.7']),
    object: deployment('alias-slice', { OPENAI_BASE_URL: 'https://gateway/v1' }),
    expect: 'denied',
    mentions: [
      'env OPENAI_BASE_URL via Service ',
      '/gateway: https://gateway/v1 → 203.0.113.7, region unknown',
    ],
  },
  {
    ...base,
    policies: [
      policy('eu-gateway-ip', {
        endpoints: [{ host: '203.0.113.7', region: 'eu-west-1', jurisdiction: 'EU' }],
      }),
    ],
    name: 'a public address a policy places in the EU is allowed through the Service',
    kind: 'Deployment',
    services: selectorlessService('gateway', ['203.0.113.7']),
    object: deployment('alias-slice-eu', { OPENAI_BASE_URL: 'https://gateway/v1' }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a Service without selector whose addresses are private stays in the cluster',
    kind: 'Deployment',
    services: selectorlessService('on-prem', ['10.20.30.40']),
    object: deployment('alias-private', { OPENAI_BASE_URL: 'http://on-prem:8080/v1' }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a route target naming an ExternalName Service is judged as its external name',
    kind: 'Deployment',
    services: [externalNameService('openai-egress', 'api.openai.com')],
    routes: [route('case-gpt-4o', 'routed-alias', { openai: 'http://openai-egress:80/v1' })],
    object: deployment('routed-alias', { OPENAI_BASE_URL: 'http://localhost:4000/v1' }),
    expect: 'denied',
    mentions: [
      'FallbackRoute case-gpt-4o target openai via Service ',
      '/openai-egress: http://openai-egress:80/v1 → api.openai.com, region us (US)',
    ],
  },
  {
    ...base,
    policies: [policy('eu-warn', { mode: 'Warn' })],
    name: 'Warn mode: an ExternalName to a US host is admitted with a warning naming the Service',
    kind: 'Deployment',
    services: [externalNameService('llm-proxy', 'api.openai.com')],
    object: deployment('alias-warned', { OPENAI_BASE_URL: 'http://llm-proxy/v1' }),
    expect: 'warned',
    mentions: ['env OPENAI_BASE_URL via Service ', '/llm-proxy → api.openai.com, region us (US)'],
  },
];
