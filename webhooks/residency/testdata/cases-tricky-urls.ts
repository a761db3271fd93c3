// Residency rows, part 3: URLs written to look like somewhere else (userinfo, case, trailing dot,
// ports, IP literals in every form, punycode look-alikes, `$(VAR)` references, scheme-less hosts,
// parser differentials), cluster-internal hosts (never egress), unknown hosts (refused in an LLM
// setting, ignored elsewhere) and plain values that name no host at all.
import { IN_EU_NAMESPACE } from './cases-workload-kinds.js';
import { agentEnv, container, type ResidencyCase, workload } from './residency-case.js';

const base = { ...IN_EU_NAMESPACE, policies: [...IN_EU_NAMESPACE.policies] };

/** A Deployment whose agent container has `env`. */
const row = (
  name: string,
  env: Record<string, string>,
  expect: ResidencyCase['expect'],
  mentions?: string[],
): ResidencyCase => ({
  ...base,
  name,
  kind: 'Deployment',
  object: workload('Deployment', 'tricky', agentEnv(env)),
  expect,
  ...(mentions ? { mentions } : {}),
});

export const TRICKY_URL_CASES: ResidencyCase[] = [
  row(
    'userinfo: an EU host before @ is a user name, the host is api.openai.com',
    { OPENAI_BASE_URL: 'https://eu.api.openai.com@api.openai.com/v1' },
    'denied',
    ['api.openai.com, region us (US)'],
  ),
  row(
    'userinfo: https://eu.example@api.openai.com',
    { OPENAI_BASE_URL: 'https://eu.example@api.openai.com' },
    'denied',
    ['api.openai.com, region us (US)'],
  ),
  row('upper case scheme and host', { OPENAI_BASE_URL: 'HTTPS://API.OPENAI.COM/v1' }, 'denied', [
    'api.openai.com, region us (US)',
  ]),
  row('a trailing dot on the host', { OPENAI_BASE_URL: 'https://api.openai.com./v1' }, 'denied', [
    'api.openai.com, region us (US)',
  ]),
  row('the default port written out', { OPENAI_BASE_URL: 'https://api.openai.com:443/v1' }, 'denied', [
    'api.openai.com, region us (US)',
  ]),
  row('another port on a catalog host', { ANTHROPIC_BASE_URL: 'https://api.anthropic.com:8443' }, 'denied', [
    'api.anthropic.com, region us (US)',
  ]),
  row(
    'a public IPv4 literal is an unknown endpoint',
    { OPENAI_BASE_URL: 'https://203.0.113.10/v1' },
    'denied',
    ['203.0.113.10, region unknown'],
  ),
  row(
    'an IPv4 address written as one decimal number',
    { OPENAI_BASE_URL: 'https://3405803786/v1' },
    'denied',
    ['203.0.113.10, region unknown'],
  ),
  row('an IPv6 literal without a path', { OPENAI_BASE_URL: 'https://[2001:db8::1]' }, 'denied', [
    '2001:db8::1, region unknown',
  ]),
  row(
    'an IPv4-mapped IPv6 literal of a public address',
    { OPENAI_BASE_URL: 'https://[::ffff:cb00:710a]/v1' },
    'denied',
    ['203.0.113.10, region unknown'],
  ),
  row(
    'an IPv4-mapped IPv6 literal of a private address is cluster-internal',
    {
      OPENAI_BASE_URL: 'http://[::ffff:10.0.0.5]:4000/v1',
    },
    'allowed',
  ),
  row(
    'a Cyrillic look-alike of api.openai.com is another (unknown) host, in punycode',
    { OPENAI_BASE_URL: 'https://\u0430pi.openai.com/v1' },
    'denied',
    ['xn--pi-6kc.openai.com, region unknown'],
  ),
  row(
    'full-width dots in an EU host still name the EU host',
    {
      OPENAI_BASE_URL: 'https://eu\uff0eapi\uff0eopenai\uff0ecom/v1',
    },
    'allowed',
  ),
  row('a percent-encoded host', { OPENAI_BASE_URL: 'https://api%2eopenai%2ecom/v1' }, 'denied', [
    'api.openai.com, region us (US)',
  ]),
  row(
    'a backslash before @: Python and Go clients read the host after it',
    { OPENAI_BASE_URL: 'https://eu.api.openai.com\\@api.openai.com/v1' },
    'denied',
    ['api.openai.com, region us (US)'],
  ),
  row(
    '$(VAR) references between env vars are expanded',
    { PROVIDER_HOST: 'api.openai.com', OPENAI_BASE_URL: 'https://$(PROVIDER_HOST)/v1' },
    'denied',
    ['env OPENAI_BASE_URL: https://api.openai.com/v1'],
  ),
  {
    ...base,
    name: '$(VAR) references in args are expanded with the container env',
    kind: 'Deployment',
    object: workload('Deployment', 'tricky-args', {
      containers: [
        container('agent', {
          env: [{ name: 'UPSTREAM', value: 'api.anthropic.com' }],
          args: ['--upstream', 'https://$(UPSTREAM)/v1'],
        }),
      ],
    }),
    expect: 'denied',
    mentions: ['arg 1: https://api.anthropic.com/v1'],
  },
  row(
    '$$ escapes a reference: the literal text names no host',
    {
      PROVIDER_HOST: 'llm.example.com',
      OPENAI_BASE_URL: 'https://$$(PROVIDER_HOST)/v1',
    },
    'allowed',
  ),
  row('a scheme-less catalog host in an LLM setting', { OPENAI_BASE_URL: 'api.openai.com' }, 'denied', [
    'api.openai.com, region us (US)',
  ]),
  row('a scheme-less EU host in an LLM setting', { OPENAI_BASE_URL: 'eu.api.openai.com' }, 'allowed'),
  row(
    'a scheme-less Azure resource the catalog cannot place',
    { AZURE_OPENAI_ENDPOINT: 'acme.openai.azure.com' },
    'denied',
    ['env AZURE_OPENAI_ENDPOINT', 'acme.openai.azure.com, region unknown'],
  ),
  row(
    'a Service in the namespace (.svc)',
    { OPENAI_BASE_URL: 'http://llm-proxy.agents.svc:8080/v1' },
    'allowed',
  ),
  row(
    'a Service by its full name (.svc.cluster.local)',
    {
      OPENAI_BASE_URL: 'http://llm-proxy.agents.svc.cluster.local/v1',
    },
    'allowed',
  ),
  row('a Service by its short name', { OPENAI_BASE_URL: 'http://llm-proxy:8080/v1' }, 'allowed'),
  row(
    'a Service as <service>.<namespace> of an existing namespace',
    {
      AZURE_OPENAI_ENDPOINT: 'http://llm-gateway.default:8080',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.kube-public:4318',
    },
    'allowed',
  ),
  row(
    '<service>.<namespace> in upper case, with a trailing dot, bare or with .svc',
    {
      OPENAI_BASE_URL: 'HTTP://LLM-Gateway.Default.:8080/v1',
      ANTHROPIC_BASE_URL: 'llm-gateway.DEFAULT.svc.:8443',
    },
    'allowed',
  ),
  row(
    '<service>.<namespace> of a namespace the cluster does not have is an unknown host',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318' },
    'denied',
    [
      'env OTEL_EXPORTER_OTLP_ENDPOINT',
      'otel-collector.observability, region unknown (not a Service: no namespace observability)',
    ],
  ),
  row(
    'a two-label look-alike (api.openai) is not a Service: openai is no namespace',
    { OPENAI_BASE_URL: 'http://api.openai:8080/v1' },
    'denied',
    ['api.openai, region unknown'],
  ),
  row('the sidecar on localhost', { OPENAI_BASE_URL: 'http://127.0.0.1:4000/v1' }, 'allowed'),
  row(
    'an unknown host in an LLM setting is refused',
    { OPENAI_BASE_URL: 'https://llm.example.com/v1' },
    'denied',
    ['llm.example.com, region unknown', "entry with its region in the policy's spec.endpoints"],
  ),
  row(
    'an unknown DATABASE_URL is none of residency’s business',
    {
      DATABASE_URL: 'postgres://db.example.com:5432/app',
      REDIS_URL: 'redis://cache.example.org:6379',
    },
    'allowed',
  ),
  row(
    'a catalog host is judged in any setting',
    { CALLBACK_URL: 'https://api.anthropic.com/v1/messages' },
    'denied',
    ['env CALLBACK_URL', 'api.anthropic.com, region us (US)'],
  ),
  row(
    'plain values name no host',
    {
      MODEL: 'gpt-4o',
      LOG_LEVEL: 'debug',
      TIMEOUT: '30s',
      CONFIG: 'settings.yaml',
      OPENAI_API_KEY: 'sk-test',
    },
    'allowed',
  ),
  row(
    'Bedrock in eu-central-1 is in the EU',
    {
      AWS_BEDROCK_ENDPOINT: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
    },
    'allowed',
  ),
  row(
    'Bedrock in us-east-1 is not',
    { AWS_BEDROCK_ENDPOINT: 'https://bedrock-runtime.us-east-1.amazonaws.com' },
    'denied',
    ['bedrock-runtime.us-east-1.amazonaws.com, region us-east-1 (US)'],
  ),
  row(
    'Vertex AI in europe-west6 is Swiss, not EU',
    { VERTEX_ENDPOINT: 'https://europe-west6-aiplatform.googleapis.com' },
    'denied',
    ['region europe-west6 (CH)'],
  ),
];
