// Residency rows, part 7: endpoint configuration delivered as a file — ConfigMaps mounted as
// volumes (configMap and projected, whole or by items, through subPath), their endpoint settings in
// YAML, .env and JSON judged like env vars (an unknown host refused), any catalog URL in them judged
// too; what a container cannot see (an unmounted volume, a key items leave out, a commented-out
// line) is not; a Secret volume is never read.
import { IN_EU_NAMESPACE } from './cases-workload-kinds.js';
import {
  agentMounting,
  container,
  externalNameService,
  policy,
  type ResidencyCase,
  type Volume,
  workload,
} from './residency-case.js';

const base = { ...IN_EU_NAMESPACE, policies: [...IN_EU_NAMESPACE.policies] };
const files = (data: Record<string, string>, name = 'llm-files') => [{ metadata: { name }, data }];
const volume = (configMap = 'llm-files', items?: Array<{ key: string; path: string }>): Volume => ({
  name: 'llm',
  configMap: { name: configMap, ...(items ? { items } : {}) },
});
const mounted = (name: string, path = '/etc/agent') =>
  workload('Deployment', name, agentMounting({ llm: path }, [volume()]));

export const MOUNTED_FILE_CASES: ResidencyCase[] = [
  {
    ...base,
    name: 'a mounted YAML file whose base_url is a US host is denied, naming the file and key',
    kind: 'Deployment',
    configMaps: files({ 'config.yaml': 'llm:\n  provider: openai\n  base_url: https://api.openai.com/v1\n' }),
    object: mounted('file-yaml'),
    expect: 'denied',
    mentions: [
      'container agent, file /etc/agent/config.yaml, setting base_url (configmap llm-files/config.yaml): https://api.openai.com/v1 → api.openai.com, region us (US); policy residency-case-eu-only',
    ],
  },
  {
    ...base,
    name: 'a mounted YAML file pointing at the EU host is allowed',
    kind: 'Deployment',
    configMaps: files({ 'config.yaml': 'llm:\n  base_url: https://eu.api.openai.com/v1\n' }),
    object: mounted('file-yaml-eu'),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a mounted .env file with an unknown host in OPENAI_BASE_URL is refused as unknown',
    kind: 'Job',
    configMaps: files({ '.env': 'export OPENAI_BASE_URL="https://llm.unknown-vendor.example/v1"\n' }),
    object: workload('Job', 'file-env', agentMounting({ llm: '/app' }, [volume()])),
    expect: 'denied',
    mentions: [
      'file /app/.env, setting OPENAI_BASE_URL (configmap llm-files/.env)',
      'llm.unknown-vendor.example, region unknown',
    ],
  },
  {
    ...base,
    name: 'a catalog URL under any key of a mounted JSON file is judged',
    kind: 'CronJob',
    configMaps: files({ 'tools.json': '{"webhooks":{"notify":"https://api.anthropic.com/v1/messages"}}' }),
    object: workload('CronJob', 'file-json', agentMounting({ llm: '/config' }, [volume()])),
    expect: 'denied',
    mentions: [
      'file /config/tools.json (configmap llm-files/tools.json)',
      'api.anthropic.com, region us (US)',
    ],
  },
  {
    ...base,
    name: 'one key of a projected volume, mounted by subPath at its own path, is judged there',
    kind: 'Deployment',
    configMaps: files({ 'llm.yaml': 'endpoint: https://bedrock-runtime.us-east-1.amazonaws.com\n' }),
    object: workload('Deployment', 'file-projected', {
      containers: [
        container('agent', {
          volumeMounts: [{ name: 'all', mountPath: '/etc/llm.yaml', subPath: 'conf/llm.yaml' }],
        }),
      ],
      volumes: [
        {
          name: 'all',
          projected: {
            sources: [
              { configMap: { name: 'llm-files', items: [{ key: 'llm.yaml', path: 'conf/llm.yaml' }] } },
            ],
          },
        },
      ],
    }),
    expect: 'denied',
    mentions: [
      'file /etc/llm.yaml, setting endpoint (configmap llm-files/llm.yaml)',
      'region us-east-1 (US)',
    ],
  },
  {
    ...base,
    name: 'an init container mounting the file is judged too',
    kind: 'Pod',
    configMaps: files({ 'settings.toml': '[llm]\napi_base = "https://api.openai.com/v1"\n' }),
    object: workload('Pod', 'file-init', {
      initContainers: [container('setup', { volumeMounts: [{ name: 'llm', mountPath: '/setup' }] })],
      containers: [container('agent')],
      volumes: [volume()],
    }),
    expect: 'denied',
    mentions: ['container setup, file /setup/settings.toml, setting api_base'],
  },
  {
    ...base,
    name: 'a mounted file naming an ExternalName Service is judged as its external name',
    kind: 'Deployment',
    services: [externalNameService('llm-proxy', 'api.openai.com')],
    configMaps: files({ 'config.yaml': 'base_url: http://llm-proxy:8080/v1\n' }),
    object: mounted('file-alias'),
    expect: 'denied',
    mentions: [
      'setting base_url (configmap llm-files/config.yaml) via Service ',
      '/llm-proxy: http://llm-proxy:8080/v1 → api.openai.com, region us (US)',
    ],
  },
  {
    ...base,
    name: 'a ConfigMap volume no container mounts is not seen by any',
    kind: 'Deployment',
    configMaps: files({ 'config.yaml': 'base_url: https://api.openai.com/v1\n' }),
    object: workload('Deployment', 'file-unmounted', {
      containers: [container('agent')],
      volumes: [volume()],
    }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a key the items leave out is not in the container',
    kind: 'Deployment',
    configMaps: files({
      'eu.yaml': 'base_url: https://eu.api.openai.com/v1\n',
      'us.yaml': 'base_url: https://api.openai.com/v1\n',
    }),
    object: workload(
      'Deployment',
      'file-items',
      agentMounting({ llm: '/etc/agent' }, [volume('llm-files', [{ key: 'eu.yaml', path: 'llm.yaml' }])]),
    ),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a commented-out US line beside an EU setting is allowed',
    kind: 'Deployment',
    configMaps: files({
      'config.yaml': '# base_url: https://api.openai.com/v1\nbase_url: https://eu.api.openai.com/v1\n',
    }),
    object: mounted('file-commented'),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a Secret volume is never read (the operator may not read Secrets)',
    kind: 'Deployment',
    object: workload(
      'Deployment',
      'file-secret',
      agentMounting({ keys: '/etc/keys' }, [
        { name: 'keys', secret: { secretName: 'llm-keys', optional: true } },
      ]),
    ),
    expect: 'allowed',
  },
  {
    ...base,
    policies: [policy('eu-audit', { mode: 'Audit' })],
    name: 'Audit mode: a mounted US endpoint is admitted and noted',
    kind: 'Deployment',
    configMaps: files({ 'config.yaml': 'base_url: https://api.openai.com/v1\n' }),
    object: mounted('file-audited'),
    expect: 'audited',
    mentions: ['file /etc/agent/config.yaml, setting base_url', 'api.openai.com, region us'],
  },
];
