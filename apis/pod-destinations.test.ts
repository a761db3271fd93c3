import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileResidency } from './compile/residency.js';
import {
  type ContainerLike,
  destinationMemo,
  isLlmEndpointSetting,
  judgeDestination,
  type PodDestinationInputs,
  podDestinations,
  referencedConfigMaps,
} from './pod-destinations.js';

const agent = (container: Partial<ContainerLike>) => ({
  containers: [{ name: 'agent', ...container }],
});

/** [what, inputs, found as "container|source|endpoint|host|region|llm"] */
const cases: Array<[string, PodDestinationInputs, string[]]> = [
  [
    'an env value with a URL',
    { spec: agent({ env: [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }] }) },
    ['agent|env OPENAI_BASE_URL|https://api.openai.com/v1|api.openai.com|us|llm'],
  ],
  [
    'a bare host in an LLM setting',
    { spec: agent({ env: [{ name: 'ANTHROPIC_BASE_URL', value: 'api.anthropic.com' }] }) },
    ['agent|env ANTHROPIC_BASE_URL|api.anthropic.com|api.anthropic.com|us|llm'],
  ],
  [
    'an unknown host in an LLM setting is reported without region',
    { spec: agent({ env: [{ name: 'AZURE_OPENAI_ENDPOINT', value: 'https://acme.openai.azure.com' }] }) },
    ['agent|env AZURE_OPENAI_ENDPOINT|https://acme.openai.azure.com|acme.openai.azure.com|-|llm'],
  ],
  [
    'OPENAI_API_BASE counts as an LLM setting',
    { spec: agent({ env: [{ name: 'OPENAI_API_BASE', value: 'https://gw.example.org' }] }) },
    ['agent|env OPENAI_API_BASE|https://gw.example.org|gw.example.org|-|llm'],
  ],
  [
    'an unknown URL outside LLM settings is reported but not an LLM setting',
    { spec: agent({ env: [{ name: 'DATABASE_URL', value: 'postgres://db.example.org:5432/app' }] }) },
    ['agent|env DATABASE_URL|postgres://db.example.org:5432/app|db.example.org|-|other'],
  ],
  [
    'a bare unknown word outside LLM settings is ignored',
    {
      spec: agent({
        env: [
          { name: 'MODEL', value: 'gpt-4o' },
          { name: 'CONFIG', value: 'settings.yaml' },
        ],
      }),
    },
    [],
  ],
  [
    'a bare catalog host outside LLM settings is found',
    { spec: agent({ env: [{ name: 'UPSTREAM', value: 'eu.api.openai.com' }] }) },
    ['agent|env UPSTREAM|eu.api.openai.com|eu.api.openai.com|eu|other'],
  ],
  [
    'cluster-internal hosts are not egress',
    {
      spec: agent({
        env: [
          { name: 'OPENAI_BASE_URL', value: 'http://localhost:4000/v1' },
          { name: 'LLM_ENDPOINT', value: 'http://gateway.llm.svc.cluster.local' },
          { name: 'X_BASE_URL', value: 'http://10.0.0.7/v1' },
          { name: 'Y_BASE_URL', value: 'http://llm-gateway:8080' },
        ],
      }),
    },
    [],
  ],
  [
    '$(VAR) references between env vars are expanded',
    {
      spec: agent({
        env: [
          { name: 'PROVIDER_HOST', value: 'api.openai.com' },
          { name: 'OPENAI_BASE_URL', value: 'https://$(PROVIDER_HOST)/v1' },
        ],
      }),
    },
    [
      'agent|env PROVIDER_HOST|api.openai.com|api.openai.com|us|other',
      'agent|env OPENAI_BASE_URL|https://api.openai.com/v1|api.openai.com|us|llm',
    ],
  ],
  [
    'a reference to a later or undefined variable stays unresolved and names no host',
    {
      spec: agent({
        env: [
          { name: 'OPENAI_BASE_URL', value: 'https://$(HOST)/v1' },
          { name: 'HOST', value: 'example' },
        ],
      }),
    },
    [],
  ],
  [
    '$$ escapes a reference',
    {
      spec: agent({
        env: [
          { name: 'H', value: 'x' },
          { name: 'NOTE', value: 'see https://api.x.ai/v1 $$(H)' },
        ],
      }),
    },
    ['agent|env NOTE|https://api.x.ai/v1|api.x.ai|us|other'],
  ],
  [
    'valueFrom.configMapKeyRef reads the ConfigMap data given',
    {
      spec: agent({
        env: [
          {
            name: 'OPENAI_BASE_URL',
            valueFrom: { configMapKeyRef: { name: 'llm-config', key: 'base_url' } },
          },
        ],
      }),
      configMaps: { 'llm-config': { base_url: 'https://api.groq.com/openai/v1' } },
    },
    [
      'agent|env OPENAI_BASE_URL (configmap llm-config/base_url)|https://api.groq.com/openai/v1|api.groq.com|us|llm',
    ],
  ],
  [
    'a configMapKeyRef to a ConfigMap not given is skipped',
    {
      spec: agent({
        env: [{ name: 'OPENAI_BASE_URL', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }],
      }),
    },
    [],
  ],
  [
    'secret refs cannot be inspected',
    {
      spec: agent({
        env: [{ name: 'OPENAI_BASE_URL', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      }),
    },
    [],
  ],
  [
    'envFrom ConfigMaps, with prefix deciding the setting name',
    {
      spec: agent({ envFrom: [{ configMapRef: { name: 'llm-config' }, prefix: 'OPENAI_' }] }),
      configMaps: { 'llm-config': { BASE_URL: 'https://api.mistral.ai/v1', TIMEOUT: '30' } },
    },
    ['agent|configmap llm-config/BASE_URL|https://api.mistral.ai/v1|api.mistral.ai|eu|llm'],
  ],
  [
    'env values may reference envFrom variables',
    {
      spec: agent({
        envFrom: [{ configMapRef: { name: 'hosts' } }],
        env: [{ name: 'ANTHROPIC_BASE_URL', value: 'https://$(ANTHROPIC_HOST)' }],
      }),
      configMaps: { hosts: { ANTHROPIC_HOST: 'api.anthropic.com' } },
    },
    [
      'agent|configmap hosts/ANTHROPIC_HOST|api.anthropic.com|api.anthropic.com|us|other',
      'agent|env ANTHROPIC_BASE_URL|https://api.anthropic.com|api.anthropic.com|us|llm',
    ],
  ],
  [
    'args with flags, expanded with the container env',
    {
      spec: agent({
        env: [{ name: 'REGION', value: 'us-east-1' }],
        args: ['serve', '--endpoint=https://bedrock-runtime.$(REGION).amazonaws.com', '--port', '8080'],
      }),
    },
    [
      'agent|arg 1|https://bedrock-runtime.us-east-1.amazonaws.com|bedrock-runtime.us-east-1.amazonaws.com|us-east-1|other',
    ],
  ],
  [
    'command lines with a URL inside a shell string',
    { spec: agent({ command: ['sh', '-c', 'curl -s https://api.deepseek.com/chat && echo done'] }) },
    ['agent|command 2|https://api.deepseek.com/chat|api.deepseek.com|cn|other'],
  ],
  [
    'init and ephemeral containers are inspected too',
    {
      spec: {
        initContainers: [{ name: 'warmup', args: ['https://api.cohere.com/v1'] }],
        ephemeralContainers: [
          { name: 'debug', env: [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com' }] },
        ],
      },
    },
    [
      'warmup|arg 0|https://api.cohere.com/v1|api.cohere.com|us|other',
      'debug|env OPENAI_BASE_URL|https://api.openai.com|api.openai.com|us|llm',
    ],
  ],
  [
    'the egress annotation lists destinations (comma or space separated)',
    {
      spec: agent({}),
      annotations: { 'governor.agents.dev/egress': 'api.openai.com, https://llm.example.net/v1' },
    },
    [
      '-|annotation governor.agents.dev/egress|api.openai.com|api.openai.com|us|llm',
      '-|annotation governor.agents.dev/egress|https://llm.example.net/v1|llm.example.net|-|llm',
    ],
  ],
  [
    'userinfo tricks resolve to the host actually reached',
    {
      spec: agent({
        env: [{ name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com@api.openai.com/v1' }],
      }),
    },
    ['agent|env OPENAI_BASE_URL|https://eu.api.openai.com@api.openai.com/v1|api.openai.com|us|llm'],
  ],
  [
    'case and trailing dots do not hide a catalog host',
    { spec: agent({ env: [{ name: 'OPENAI_BASE_URL', value: 'HTTPS://API.OpenAI.com./v1' }] }) },
    ['agent|env OPENAI_BASE_URL|HTTPS://API.OpenAI.com./v1|api.openai.com|us|llm'],
  ],
  [
    'policy catalog additions place private gateways',
    {
      spec: agent({ env: [{ name: 'OPENAI_BASE_URL', value: 'https://llm-gateway.eu.example.com/v1' }] }),
      additions: [{ host: 'llm-gateway.eu.example.com', region: 'eu-west-1', jurisdiction: 'EU' }],
    },
    [
      'agent|env OPENAI_BASE_URL|https://llm-gateway.eu.example.com/v1|llm-gateway.eu.example.com|eu-west-1|llm',
    ],
  ],
  [
    'several containers keep their own env',
    {
      spec: {
        containers: [
          { name: 'a', env: [{ name: 'HOST', value: 'api.openai.com' }] },
          { name: 'b', env: [{ name: 'OPENAI_BASE_URL', value: 'https://$(HOST)' }] },
        ],
      },
    },
    ['a|env HOST|api.openai.com|api.openai.com|us|other'],
  ],
  [
    'an IPv6 literal with no path keeps its closing bracket',
    { spec: agent({ env: [{ name: 'OPENAI_BASE_URL', value: 'https://[2001:db8::1]' }] }) },
    ['agent|env OPENAI_BASE_URL|https://[2001:db8::1]|2001:db8::1|-|llm'],
  ],
  [
    'sentence punctuation after a URL is not part of it',
    { spec: agent({ command: ['sh', '-c', 'echo "(see https://api.x.ai/v1)." && run'] }) },
    ['agent|command 2|https://api.x.ai/v1|api.x.ai|us|other'],
  ],
  [
    'a backslash before userinfo is read both ways: WHATWG and RFC 3986 clients reach different hosts',
    {
      spec: agent({
        env: [{ name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com\\@api.openai.com/v1' }],
      }),
    },
    [
      'agent|env OPENAI_BASE_URL|https://eu.api.openai.com\\@api.openai.com/v1|eu.api.openai.com|eu|llm',
      'agent|env OPENAI_BASE_URL|https://eu.api.openai.com%5C@api.openai.com/v1|api.openai.com|us|llm',
    ],
  ],
  ['no spec, no destinations', { spec: undefined }, []],
];

const show = (d: ReturnType<typeof podDestinations>[number]) =>
  [d.container ?? '-', d.source, d.endpoint, d.host, d.region ?? '-', d.llmSetting ? 'llm' : 'other'].join(
    '|',
  );

describe('podDestinations', () => {
  for (const [what, inputs, want] of cases) {
    it(what, () => assert.deepEqual(podDestinations(inputs).map(show), want));
  }
});

describe('destinationMemo', () => {
  const additions = [{ host: 'gw.example.eu', region: 'eu-west-1', jurisdiction: 'EU' }];
  const spec = agent({
    env: [
      { name: 'OPENAI_BASE_URL', value: 'https://gw.example.eu/v1' },
      { name: 'BACKUP', value: 'https://api.openai.com/v1' },
    ],
  });
  it('finds the same destinations with and without the memo, on every call', () => {
    const memo = destinationMemo(additions);
    const plain = podDestinations({ spec, additions }).map(show);
    assert.deepEqual(podDestinations({ spec, additions, memo }).map(show), plain);
    assert.deepEqual(podDestinations({ spec, additions, memo }).map(show), plain);
    assert.equal(memo.named.llm.size + memo.named.other.size, 2);
  });
  it('is ignored for other catalog additions (placement depends on them)', () => {
    const memo = destinationMemo(additions);
    podDestinations({ spec, additions, memo });
    assert.deepEqual(
      podDestinations({ spec, additions: [], memo }).map((d) => d.region ?? '-'),
      ['-', 'us'],
    );
  });
  it('keeps at most maxEntries values, dropping the oldest', () => {
    const memo = destinationMemo(additions, 2);
    podDestinations({
      spec: agent({ env: ['a', 'b', 'c'].map((h) => ({ name: 'U', value: `https://${h}.example` })) }),
      additions,
      memo,
    });
    assert.deepEqual([...memo.named.other.keys()], ['https://b.example', 'https://c.example']);
  });
  it('does not keep values over 1 KiB', () => {
    const memo = destinationMemo(additions);
    const long = `https://api.openai.com/v1?${'x'.repeat(2000)}`;
    const found = podDestinations({ spec: agent({ env: [{ name: 'U', value: long }] }), additions, memo });
    assert.deepEqual(
      found.map((d) => d.host),
      ['api.openai.com'],
    );
    assert.equal(memo.named.other.size, 0);
  });
});

describe('isLlmEndpointSetting', () => {
  const table: Array<[string, boolean]> = [
    ['OPENAI_BASE_URL', true],
    ['ANTHROPIC_BASE_URL', true],
    ['AZURE_OPENAI_ENDPOINT', true],
    ['OPENAI_API_BASE', true],
    ['base_url', true],
    ['llm.endpoint', true],
    ['DATABASE_URL', false],
    ['ENDPOINTS', false],
    ['OPENAI_API_KEY', false],
  ];
  for (const [name, want] of table) it(name, () => assert.equal(isLlmEndpointSetting(name), want));
});

describe('referencedConfigMaps', () => {
  it('lists the ConfigMaps of configMapKeyRef and envFrom in every container, once', () => {
    assert.deepEqual(
      referencedConfigMaps({
        initContainers: [{ name: 'i', envFrom: [{ configMapRef: { name: 'b' } }] }],
        containers: [
          {
            name: 'a',
            env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'a', key: 'k' } } }],
            envFrom: [{ configMapRef: { name: 'b' } }],
          },
        ],
      }),
      ['a', 'b'],
    );
  });
});

describe('judgeDestination', () => {
  const residency = compileResidency([
    { name: 'eu-only', spec: { mode: 'Enforce', allowedJurisdictions: ['EU'], unknownEndpoints: 'Deny' } },
  ]);
  const judge = (name: string, value: string) => {
    const [d] = podDestinations({ spec: agent({ env: [{ name, value }] }) });
    assert.ok(d, `a destination in ${name}`);
    return judgeDestination(d, residency);
  };
  it('refuses a US endpoint under an EU-only policy', () => {
    const decision = judge('OPENAI_BASE_URL', 'https://api.openai.com/v1');
    assert.equal(decision.allowed, false);
    assert.equal(!decision.allowed && decision.region, 'us');
  });
  it('allows an EU endpoint', () =>
    assert.equal(judge('OPENAI_BASE_URL', 'https://eu.api.openai.com/v1').allowed, true));
  it('refuses an unknown endpoint in an LLM setting', () =>
    assert.equal(judge('AZURE_OPENAI_ENDPOINT', 'https://acme.openai.azure.com').allowed, false));
  it('allows an unknown URL elsewhere', () =>
    assert.equal(judge('DATABASE_URL', 'postgres://db.example.org/app').allowed, true));
});

describe('<service>.<namespace> hosts', () => {
  const spec = agent({
    env: [
      { name: 'AZURE_OPENAI_ENDPOINT', value: 'http://llm-gateway.observability:8080' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'HTTP://Otel-Collector.Observability.:4318' },
      { name: 'OPENAI_BASE_URL', value: 'http://api.openai:8080/v1' },
    ],
  });
  const hosts = (found: ReturnType<typeof podDestinations>) => found.map((d) => d.host);

  it('are Services, not egress, when the namespace exists; judged as unknown hosts otherwise', () => {
    const isClusterNamespace = (name: string) => name === 'observability';
    assert.deepEqual(hosts(podDestinations({ spec, isClusterNamespace })), ['api.openai']);
    assert.deepEqual(hosts(podDestinations({ spec })), [
      'llm-gateway.observability',
      'otel-collector.observability',
      'api.openai',
    ]);
  });
  it('follow the namespaces as they come and go, through a memo', () => {
    const memo = destinationMemo([]);
    const namespaces = new Set<string>();
    const isClusterNamespace = (name: string) => namespaces.has(name);
    const judge = () => hosts(podDestinations({ spec, additions: [], memo, isClusterNamespace }));
    assert.equal(judge().length, 3);
    namespaces.add('observability');
    assert.deepEqual(judge(), ['api.openai']);
    namespaces.add('openai');
    assert.deepEqual(judge(), []);
    namespaces.clear();
    assert.equal(judge().length, 3);
  });
  it('placed by the catalog are judged even when the last label is a namespace', () => {
    const additions = [{ host: 'llm.corp', region: 'us-east-1', jurisdiction: 'US' }];
    const found = podDestinations({
      spec: agent({ env: [{ name: 'OPENAI_BASE_URL', value: 'https://llm.corp/v1' }] }),
      additions,
      isClusterNamespace: () => true,
    });
    assert.deepEqual(found.map(show), [
      'agent|env OPENAI_BASE_URL|https://llm.corp/v1|llm.corp|us-east-1|llm',
    ]);
  });
});
