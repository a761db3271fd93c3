// Residency rows, part 2: every place a destination hides — ConfigMaps (configMapKeyRef, envFrom
// with and without prefix, missing optional ones), command, args, the egress annotation on the
// template and on the workload, the agent's route targets, init and ephemeral containers — plus
// the list cap and UPDATEs (what an update adds is denied, what was there before is warned about).
import { EU_OPENAI, IN_EU_NAMESPACE, US_OPENAI } from './cases-workload-kinds.js';
import { agentEnv, container, type ResidencyCase, route, workload } from './residency-case.js';

const EGRESS = 'governor.agents.dev/egress';
const base = { ...IN_EU_NAMESPACE, policies: [...IN_EU_NAMESPACE.policies] };
const llmConfig = (data: Record<string, string>) => [{ metadata: { name: 'llm-config' }, data }];
const fromConfigMap = (key: string, optional?: boolean) => ({
  containers: [
    container('agent', {
      env: [
        {
          name: 'OPENAI_BASE_URL',
          valueFrom: { configMapKeyRef: { name: 'llm-config', key, ...(optional ? { optional } : {}) } },
        },
      ],
    }),
  ],
});
const envFrom = (prefix?: string) => ({
  containers: [
    container('agent', {
      envFrom: [{ ...(prefix ? { prefix } : {}), configMapRef: { name: 'llm-config' } }],
    }),
  ],
});

export const SOURCE_CASES: ResidencyCase[] = [
  {
    ...base,
    name: 'valueFrom.configMapKeyRef: the ConfigMap is read and its US value denied',
    kind: 'Deployment',
    configMaps: llmConfig({ base_url: US_OPENAI }),
    object: workload('Deployment', 'cm-ref', fromConfigMap('base_url')),
    expect: 'denied',
    mentions: ['container agent, env OPENAI_BASE_URL (configmap llm-config/base_url)', 'region us (US)'],
  },
  {
    ...base,
    name: 'valueFrom.configMapKeyRef with an EU value is allowed',
    kind: 'Deployment',
    configMaps: llmConfig({ base_url: EU_OPENAI }),
    object: workload('Deployment', 'cm-ref-eu', fromConfigMap('base_url')),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a missing optional ConfigMap is fine',
    kind: 'Deployment',
    object: workload('Deployment', 'cm-missing', fromConfigMap('base_url', true)),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'envFrom with a prefix: key URL becomes OPENAI_BASE_URL, an LLM setting, so an unknown host is denied',
    kind: 'Deployment',
    configMaps: llmConfig({ URL: 'https://llm.unknown-vendor.example/v1' }),
    object: workload('Deployment', 'env-from-prefix', envFrom('OPENAI_BASE_')),
    expect: 'denied',
    mentions: [
      'configmap llm-config/URL',
      'llm.unknown-vendor.example, region unknown',
      "policy's spec.endpoints",
    ],
  },
  {
    ...base,
    name: 'envFrom without the prefix: key URL is no LLM setting, an unknown host is none of residency’s business',
    kind: 'Deployment',
    configMaps: llmConfig({ URL: 'https://llm.unknown-vendor.example/v1' }),
    object: workload('Deployment', 'env-from-plain', envFrom()),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'envFrom: a catalog host in any key is judged',
    kind: 'StatefulSet',
    configMaps: llmConfig({ CALLBACK: 'https://api.anthropic.com/v1/messages', TIMEOUT: '30s' }),
    object: workload('StatefulSet', 'env-from-catalog', envFrom()),
    expect: 'denied',
    mentions: ['configmap llm-config/CALLBACK', 'api.anthropic.com, region us (US)'],
  },
  {
    ...base,
    name: 'a URL in the command is judged',
    kind: 'Job',
    object: workload('Job', 'command', {
      containers: [container('agent', { command: ['sh', '-c', `curl -s ${US_OPENAI}/models && echo done`] })],
    }),
    expect: 'denied',
    mentions: ['container agent, command 2', 'api.openai.com, region us (US)'],
  },
  {
    ...base,
    name: 'a flag in the args is judged',
    kind: 'Deployment',
    object: workload('Deployment', 'args', {
      containers: [container('agent', { args: ['serve', `--base-url=${US_OPENAI}`] })],
    }),
    expect: 'denied',
    mentions: ['container agent, arg 1: https://api.openai.com/v1'],
  },
  {
    ...base,
    name: 'args expanding an EU env var are allowed',
    kind: 'Deployment',
    object: workload('Deployment', 'args-eu', {
      containers: [
        container('agent', {
          env: [{ name: 'OPENAI_BASE_URL', value: EU_OPENAI }],
          args: ['--base-url=$(OPENAI_BASE_URL)'],
        }),
      ],
    }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'the egress annotation of the pod template is judged as an LLM endpoint',
    kind: 'Deployment',
    object: workload('Deployment', 'egress', agentEnv({}), {
      annotations: { [EGRESS]: 'api.anthropic.com' },
    }),
    expect: 'denied',
    mentions: [
      'annotation governor.agents.dev/egress: api.anthropic.com → api.anthropic.com, region us (US)',
    ],
  },
  {
    ...base,
    name: 'the egress annotation on the workload itself counts when the template has none',
    kind: 'CronJob',
    object: workload('CronJob', 'egress-workload', agentEnv({}), {
      workloadAnnotations: { [EGRESS]: 'https://llm.example.net/v1' },
    }),
    expect: 'denied',
    mentions: ['annotation governor.agents.dev/egress', 'llm.example.net, region unknown'],
  },
  {
    ...base,
    name: 'an egress annotation listing EU endpoints is allowed',
    kind: 'Pod',
    object: workload('Pod', 'egress-eu', agentEnv({}), {
      annotations: { [EGRESS]: 'eu.api.openai.com, https://api.mistral.ai/v1' },
    }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a US target of a route the agent uses is denied',
    kind: 'Deployment',
    routes: [route('case-gpt-4o', 'routed', { 'openai-eu': EU_OPENAI, 'openai-us': US_OPENAI })],
    object: workload('Deployment', 'routed', agentEnv({ OPENAI_BASE_URL: 'http://localhost:4000/v1' })),
    expect: 'denied',
    mentions: [
      'FallbackRoute case-gpt-4o target openai-us: https://api.openai.com/v1 → api.openai.com, region us (US)',
    ],
  },
  {
    ...base,
    name: 'a route with EU targets only is allowed',
    kind: 'Deployment',
    routes: [
      route('case-gpt-4o', 'routed', { 'openai-eu': EU_OPENAI, mistral: 'https://api.mistral.ai/v1' }),
    ],
    object: workload('Deployment', 'routed', agentEnv({})),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'the US route of another agent does not concern this one',
    kind: 'Deployment',
    routes: [route('case-other', 'someone-else', { 'openai-us': US_OPENAI })],
    object: workload('Deployment', 'routed', agentEnv({})),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'a workload without the agent label uses no route, even one selecting everything',
    kind: 'Deployment',
    routes: [
      {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'FallbackRoute',
        metadata: { name: 'case-all' },
        spec: {
          agentSelector: {},
          model: 'gpt-4o',
          targets: [{ name: 'openai-us', provider: 'OpenAI', endpoint: US_OPENAI }],
        },
      },
    ],
    object: workload('Deployment', 'not-an-agent', agentEnv({}), { labels: { app: 'not-an-agent' } }),
    expect: 'allowed',
  },
  {
    ...base,
    name: 'init containers are judged',
    kind: 'Pod',
    object: workload('Pod', 'init', {
      initContainers: [container('setup', { args: ['--warmup', 'https://api.cohere.com/v1'] })],
      containers: [container('agent')],
    }),
    expect: 'denied',
    mentions: ['container setup, arg 1: https://api.cohere.com/v1 → api.cohere.com, region us (US)'],
  },
  {
    ...base,
    name: 'an ephemeral container added through pods/ephemeralcontainers is judged',
    kind: 'Pod',
    operation: 'UPDATE',
    subResource: 'ephemeralcontainers',
    oldObject: workload('Pod', 'debugged', agentEnv({ OPENAI_BASE_URL: EU_OPENAI })),
    object: workload('Pod', 'debugged', {
      ...agentEnv({ OPENAI_BASE_URL: EU_OPENAI }),
      ephemeralContainers: [container('debugger', { env: [{ name: 'OPENAI_BASE_URL', value: US_OPENAI }] })],
    }),
    expect: 'denied',
    mentions: ['container debugger, env OPENAI_BASE_URL'],
  },
  {
    ...base,
    name: 'an ephemeral container with an EU endpoint is allowed',
    kind: 'Pod',
    operation: 'UPDATE',
    subResource: 'ephemeralcontainers',
    oldObject: workload('Pod', 'debugged', agentEnv({})),
    object: workload('Pod', 'debugged', {
      ...agentEnv({}),
      ephemeralContainers: [container('debugger', { env: [{ name: 'OPENAI_BASE_URL', value: EU_OPENAI }] })],
    }),
    expect: 'allowed',
  },
  {
    ...base,
    name: "an EU ephemeral container is not refused for the Pod's own older violation, only warned",
    kind: 'Pod',
    operation: 'UPDATE',
    subResource: 'ephemeralcontainers',
    oldObject: workload('Pod', 'legacy-pod', agentEnv({ OPENAI_BASE_URL: US_OPENAI })),
    object: workload('Pod', 'legacy-pod', {
      ...agentEnv({ OPENAI_BASE_URL: US_OPENAI }),
      ephemeralContainers: [container('debugger', { env: [{ name: 'OPENAI_BASE_URL', value: EU_OPENAI }] })],
    }),
    expect: 'warned',
    mentions: ['container agent, env OPENAI_BASE_URL → api.openai.com', 'already there before this update'],
  },
  {
    ...base,
    name: 'all violations are counted, the message lists ten and says how many more',
    kind: 'Deployment',
    object: workload('Deployment', 'many', {
      containers: Array.from({ length: 12 }, (_, i) =>
        container(`worker-${i}`, { env: [{ name: 'OPENAI_BASE_URL', value: US_OPENAI }] }),
      ),
    }),
    expect: 'denied',
    mentions: ['(12 endpoints)', 'container worker-9, env OPENAI_BASE_URL', '- and 2 more'],
  },
  {
    ...base,
    name: 'an UPDATE that adds a US endpoint is denied',
    kind: 'Deployment',
    operation: 'UPDATE',
    oldObject: workload('Deployment', 'updated', agentEnv({ OPENAI_BASE_URL: EU_OPENAI })),
    object: workload('Deployment', 'updated', agentEnv({ OPENAI_BASE_URL: US_OPENAI })),
    expect: 'denied',
    mentions: ['env OPENAI_BASE_URL: https://api.openai.com/v1'],
  },
  {
    ...base,
    name: 'an UPDATE keeping a US endpoint that was there before is warned about, not denied',
    kind: 'Deployment',
    operation: 'UPDATE',
    oldObject: workload('Deployment', 'legacy', agentEnv({ OPENAI_BASE_URL: US_OPENAI })),
    object: workload('Deployment', 'legacy', agentEnv({ OPENAI_BASE_URL: US_OPENAI, LOG_LEVEL: 'debug' })),
    expect: 'warned',
    mentions: ['residency policy residency-case-eu-only (Enforce)', 'already there before this update'],
  },
];
