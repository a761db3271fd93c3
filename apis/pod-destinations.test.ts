import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileResidency } from './compile/residency.js';
import {
  type ContainerLike,
  destinationMemo,
  isLlmEndpointSetting,
  judgeDestination,
  type PodDestination,
  type PodDestinationInputs,
  podDestinations,
  referencedConfigMaps,
} from './pod-destinations.js';
import type { ServiceAlias } from './service-aliases.js';

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
    ['baseURL', true],
    ['apiBase', true],
    ['azureEndpoint', true],
    ['endpoint_url', true],
    ['spring.ai.openai.base-url', true],
    ['DATABASE_URL', false],
    ['AWS_ENDPOINT_URL_S3', false],
    ['ENDPOINTS', false],
    ['OPENAI_API_KEY', false],
  ];
  for (const [name, want] of table) it(name, () => assert.equal(isLlmEndpointSetting(name), want));
});

describe('referencedConfigMaps', () => {
  it('lists the mounted ConfigMaps too, but not those a skipped mount holds', () => {
    const spec = {
      containers: [{ name: 'a', volumeMounts: [{ name: 'cfg', mountPath: '/etc/a' }] }],
      volumes: [
        { name: 'cfg', configMap: { name: 'llm-files' } },
        { name: 'unused', configMap: { name: 'never' } },
      ],
    };
    assert.deepEqual(referencedConfigMaps(spec), ['llm-files']);
    assert.deepEqual(
      referencedConfigMaps(spec, (c) => c === 'a'),
      [],
    );
  });
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

describe('mounted ConfigMap files', () => {
  const spec = (mountPath = '/etc/agent') => ({
    containers: [{ name: 'agent', volumeMounts: [{ name: 'config', mountPath }] }],
    volumes: [{ name: 'config', configMap: { name: 'llm-files' } }],
  });
  const find = (data: Record<string, string>, more: Partial<PodDestinationInputs> = {}) =>
    podDestinations({ spec: spec(), configMaps: { 'llm-files': data }, ...more }).map(show);

  it('an endpoint setting in a YAML file, even of a host the catalog cannot place', () =>
    assert.deepEqual(
      find({ 'config.yaml': 'llm:\n  base_url: https://llm.unknown.example/v1\n  model: gpt-4o\n' }),
      [
        'agent|file /etc/agent/config.yaml, setting base_url (configmap llm-files/config.yaml)|https://llm.unknown.example/v1|llm.unknown.example|-|llm',
      ],
    ));
  it('a catalog URL anywhere in a file, once, under its setting when it has one', () =>
    assert.deepEqual(
      find({
        '.env': 'OPENAI_BASE_URL=https://api.openai.com/v1\nCALLBACK=https://api.anthropic.com/v1\n',
      }),
      [
        'agent|file /etc/agent/.env, setting OPENAI_BASE_URL (configmap llm-files/.env)|https://api.openai.com/v1|api.openai.com|us|llm',
        'agent|file /etc/agent/.env (configmap llm-files/.env)|https://api.anthropic.com/v1|api.anthropic.com|us|other',
      ],
    ));
  it('a JSON file on one line', () =>
    assert.deepEqual(find({ 'llm.json': '{"endpoint":"https://bedrock-runtime.us-east-1.amazonaws.com"}' }), [
      'agent|file /etc/agent/llm.json, setting endpoint (configmap llm-files/llm.json)|https://bedrock-runtime.us-east-1.amazonaws.com|bedrock-runtime.us-east-1.amazonaws.com|us-east-1|llm',
    ]));
  it('a commented-out line is not read, an unknown host outside a setting is not judged', () =>
    assert.deepEqual(
      find({ 'app.yaml': '# base_url: https://api.openai.com/v1\ndocs: https://docs.example.com\n' }),
      [
        'agent|file /etc/agent/app.yaml (configmap llm-files/app.yaml)|https://docs.example.com|docs.example.com|-|other',
      ],
    ));
  it('names a file once per content through a memo, and keeps a bounded amount of them', () => {
    const additions: [] = [];
    const memo = destinationMemo(additions, 3);
    const data = { 'config.yaml': 'base_url: https://api.openai.com/v1\n' };
    const plain = find(data);
    assert.deepEqual(find(data, { memo, additions }), plain);
    assert.deepEqual(find(data, { memo, additions }), plain);
    assert.equal(memo.files.size, 1);
    for (let i = 0; i < 5; i++)
      find({ [`f${i}.yaml`]: `endpoint: https://h${i}.example\n` }, { memo, additions });
    assert.equal(memo.files.size, 3);
    assert.equal(
      memo.fileChars,
      [...memo.files.keys()].reduce((n, k) => n + k.length, 0),
    );
  });
  it("not when the mount is skipped (the sidecar's policy mirror)", () =>
    assert.deepEqual(find({ 'a.yaml': 'base_url: https://api.openai.com' }, { skipMount: () => true }), []));
});

describe('Services that stand for external hosts', () => {
  const aliases: Record<string, ServiceAlias> = {
    'agents/llm-proxy': { externalName: 'api.openai.com' },
    'agents/eu-proxy': { externalName: 'eu.api.openai.com' },
    'agents/manual': { addresses: ['203.0.113.7', '10.1.2.3'] },
    'shared/gw': { externalName: 'api.anthropic.com' },
  };
  const services = (namespace: string, name: string) => aliases[`${namespace}/${name}`];
  const find = (env: Record<string, string>, more: Partial<PodDestinationInputs> = {}) =>
    podDestinations({
      spec: agent({ env: Object.entries(env).map(([name, value]) => ({ name, value })) }),
      namespace: 'agents',
      services,
      ...more,
    });

  it('an ExternalName is judged as its external name, the Service named in the source', () => {
    const found = find({ OPENAI_BASE_URL: 'http://llm-proxy.agents.svc/v1' });
    assert.deepEqual(found.map(show), [
      'agent|env OPENAI_BASE_URL via Service agents/llm-proxy|http://llm-proxy.agents.svc/v1|api.openai.com|us|llm',
    ]);
    const residency = compileResidency([
      { name: 'eu', spec: { mode: 'Enforce', allowedJurisdictions: ['EU'], unknownEndpoints: 'Deny' } },
    ]);
    assert.equal(judgeDestination(found[0] as PodDestination, residency).allowed, false);
  });
  it('by its short name, <service>.<namespace>, .svc.cluster.local, in any setting', () =>
    assert.deepEqual(
      find({
        A_BASE_URL: 'http://llm-proxy:8080',
        B_BASE_URL: 'http://gw.shared',
        CALLBACK: 'http://llm-proxy.agents.svc.cluster.local/x',
        UPSTREAM: 'gw.shared.svc',
      }).map((d) => `${d.source}|${d.host}`),
      [
        'env A_BASE_URL via Service agents/llm-proxy|api.openai.com',
        'env B_BASE_URL via Service shared/gw|api.anthropic.com',
        'env CALLBACK via Service agents/llm-proxy|api.openai.com',
        'env UPSTREAM via Service shared/gw|api.anthropic.com',
      ],
    ));
  it('an EU ExternalName is allowed like the EU host', () =>
    assert.deepEqual(
      find({ OPENAI_BASE_URL: 'http://eu-proxy' }).map((d) => d.region),
      ['eu'],
    ));
  it('a selector-less Service: its public addresses, unknown, only in an LLM setting', () => {
    assert.deepEqual(
      find({ OPENAI_BASE_URL: 'http://manual.agents.svc', OTHER_URL: 'http://manual.agents.svc' }).map(show),
      ['agent|env OPENAI_BASE_URL via Service agents/manual|http://manual.agents.svc|203.0.113.7|-|llm'],
    );
  });
  it('an ordinary Service, or without the cluster’s Services, stays in the cluster', () => {
    assert.deepEqual(find({ OPENAI_BASE_URL: 'http://web.agents.svc' }), []);
    assert.deepEqual(find({ OPENAI_BASE_URL: 'http://llm-proxy.agents.svc' }, { services: undefined }), []);
  });
  it('in a mounted file too', () =>
    assert.deepEqual(
      podDestinations({
        spec: {
          containers: [{ name: 'agent', volumeMounts: [{ name: 'c', mountPath: '/c' }] }],
          volumes: [{ name: 'c', configMap: { name: 'cfg' } }],
        },
        configMaps: { cfg: { 'a.yaml': 'endpoint: http://llm-proxy:8080\n' } },
        namespace: 'agents',
        services,
      }).map((d) => `${d.source}|${d.host}`),
      ['file /c/a.yaml, setting endpoint (configmap cfg/a.yaml) via Service agents/llm-proxy|api.openai.com'],
    ));
});
