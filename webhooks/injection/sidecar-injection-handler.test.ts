import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { buildProgram } from '../../cli/main.js';
import type { AdmissionRequest } from '../admission/admission-review.js';
import { inMemoryClusterView } from '../testdata/in-memory-cluster-view.js';
import { INJECTED_ANNOTATION } from './injection-labels.js';
import { defaultInjectionOptions, type SidecarInjectionOptions } from './injection-options.js';
import { credentialsVolumeName, SIDECAR_CONTAINER } from './sidecar-container.js';
import { sidecarInjectionHandler } from './sidecar-injection-handler.js';
import { applyJsonPatch } from './testdata/apply-json-patch.js';

const AGENT = 'governor.agents.dev/agent';
const INJECT = 'governor.agents.dev/inject';
const options = defaultInjectionOptions('agent-governor-system');

const view = inMemoryClusterView({
  namespaces: {
    'opted-in': { [INJECT]: 'true' },
    plain: {},
  },
  fallbackRoutes: [
    {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { name: 'gpt', namespace: 'opted-in' },
      spec: {
        agentSelector: { matchLabels: { [AGENT]: 'support' } },
        model: 'gpt-4o',
        targets: [
          {
            name: 'eu',
            provider: 'OpenAI',
            endpoint: 'https://eu.api.openai.com/v1',
            credentialsSecretRef: { name: 'openai-eu', key: 'api-key' },
          },
          {
            name: 'az',
            provider: 'AzureOpenAI',
            endpoint: 'https://x.openai.azure.com',
            credentialsSecretRef: { name: 'azure.keys', key: 'k' },
          },
        ],
      },
    },
    {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { name: 'other-agent', namespace: 'opted-in' },
      spec: {
        agentSelector: { matchLabels: { [AGENT]: 'billing' } },
        model: 'gpt-4o',
        targets: [
          {
            name: 'us',
            provider: 'OpenAI',
            endpoint: 'https://api.openai.com/v1',
            credentialsSecretRef: { name: 'openai-us', key: 'k' },
          },
        ],
      },
    },
  ],
});

function pod(
  labels: Record<string, string>,
  extra: Partial<V1Pod['spec']> = {},
  annotations?: Record<string, string>,
): V1Pod {
  return {
    metadata: { generateName: 'support-', labels, ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'app', image: 'agent:1' }], ...extra },
  };
}

function request(object: unknown, overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'opted-in',
    operation: 'CREATE',
    userInfo: {},
    object,
    ...overrides,
  };
}

async function inject(object: V1Pod, overrides: Partial<AdmissionRequest> = {}, injection = options) {
  const verdict = await sidecarInjectionHandler(view, injection).handle(request(object, overrides));
  assert.equal(verdict.allowed, true, 'injection never refuses a pod');
  const patch = verdict.allowed ? (verdict.patch ?? []) : [];
  const warnings = verdict.warnings ?? [];
  return { patch, warnings, pod: applyJsonPatch(object, patch) };
}

const sidecarOf = (p: V1Pod) =>
  [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].find(
    (c) => c.name === SIDECAR_CONTAINER,
  );
const envOf = (c: V1Container | undefined) =>
  Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

describe('sidecarInjectionHandler: who gets the sidecar', () => {
  const cases: Array<[string, V1Pod, Partial<AdmissionRequest>, boolean]> = [
    ['an agent pod in an opted-in namespace', pod({ [AGENT]: 'support' }), {}, true],
    [
      'an agent pod that opts in itself',
      pod({ [AGENT]: 'support', [INJECT]: 'true' }),
      { namespace: 'plain' },
      true,
    ],
    [
      'an agent pod in a namespace that did not opt in',
      pod({ [AGENT]: 'support' }),
      { namespace: 'plain' },
      false,
    ],
    ['a pod that is not an agent', pod({ app: 'web' }), {}, false],
    [
      'an agent pod opting out by annotation',
      pod({ [AGENT]: 'support' }, {}, { [INJECT]: 'false' }),
      {},
      false,
    ],
    ['an agent pod opting out by label', pod({ [AGENT]: 'support', [INJECT]: 'false' }), {}, false],
    [
      'a pod in an exempt namespace',
      pod({ [AGENT]: 'support', [INJECT]: 'true' }),
      { namespace: 'kube-system' },
      false,
    ],
    ['an UPDATE', pod({ [AGENT]: 'support' }), { operation: 'UPDATE' }, false],
    [
      'an ephemeral container added',
      pod({ [AGENT]: 'support' }),
      { subResource: 'ephemeralcontainers' },
      false,
    ],
  ];
  for (const [what, object, overrides, injected] of cases) {
    it(`${injected ? 'injects' : 'leaves alone'} ${what}`, async () => {
      const { patch, pod: result } = await inject(object, overrides);
      assert.equal(patch.length > 0, injected);
      assert.equal(Boolean(sidecarOf(result)), injected);
    });
  }
});

describe('sidecarInjectionHandler: what is injected', () => {
  it('adds a native sidecar running the sidecar command in operator mode, on loopback', async () => {
    const { pod: result } = await inject(pod({ [AGENT]: 'support' }));
    const sidecar = result.spec?.initContainers?.[0];
    assert.equal(sidecar?.name, SIDECAR_CONTAINER);
    assert.equal(sidecar?.restartPolicy, 'Always');
    assert.equal(sidecar?.image, options.image);
    assert.deepEqual(sidecar?.args?.slice(0, 11), [
      'sidecar',
      '--host',
      '127.0.0.1',
      '--port',
      '4000',
      '--operator-url',
      'https://agent-governor.agent-governor-system.svc:8443',
      '--operator-ca-file',
      '/var/run/agent-governor/services-ca/ca.crt',
      '--agent',
      'opted-in/support',
    ]);
  });

  it('passes only flags the sidecar command has', async () => {
    const { pod: result } = await inject(pod({ [AGENT]: 'support' }));
    const command = buildProgram().commands.find((c) => c.name() === 'sidecar');
    const known = new Set(command?.options.map((o) => o.long));
    const flags = (sidecarOf(result)?.args ?? []).filter((a) => a.startsWith('--'));
    assert.ok(flags.length >= 7);
    for (const flag of flags) assert.ok(known.has(flag), `${flag} is not a flag of agent-governor sidecar`);
  });

  it('is restrictive: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp', async () => {
    const { pod: result } = await inject(pod({ [AGENT]: 'support' }));
    const security = sidecarOf(result)?.securityContext;
    assert.equal(security?.runAsNonRoot, true);
    assert.equal(security?.readOnlyRootFilesystem, true);
    assert.equal(security?.allowPrivilegeEscalation, false);
    assert.deepEqual(security?.capabilities?.drop, ['ALL']);
    assert.equal(security?.seccompProfile?.type, 'RuntimeDefault');
    assert.deepEqual(sidecarOf(result)?.resources?.requests, options.resources.requests);
    assert.match(JSON.stringify(sidecarOf(result)?.startupProbe?.exec?.command), /127\.0\.0\.1:4000\/readyz/);
  });

  it('mounts the token, the policy mirror, the spool and the route credentials into the sidecar only', async () => {
    const { pod: result } = await inject(pod({ [AGENT]: 'support' }));
    const volumes = Object.fromEntries((result.spec?.volumes ?? []).map((v) => [v.name, v]));
    const token = volumes['agent-governor-token']?.projected?.sources?.[0]?.serviceAccountToken;
    assert.equal(token?.audience, 'agent-governor');
    assert.deepEqual(volumes['agent-governor-policy']?.configMap, {
      name: 'governor-policy-support',
      optional: true,
    });
    assert.ok(volumes['agent-governor-spool']?.emptyDir);
    // The sidecar services' CA bundle the operator keeps in the pod's namespace (docs/adr/0036).
    assert.deepEqual(volumes['agent-governor-services-ca']?.configMap, {
      name: 'agent-governor-services-ca',
      optional: true,
    });
    // The support agent's route references two Secrets; billing's route is not its business.
    assert.deepEqual(
      Object.values(volumes)
        .filter((v) => v.secret)
        .map((v) => v.secret?.secretName),
      ['azure.keys', 'openai-eu'],
    );
    const mounts = Object.fromEntries((sidecarOf(result)?.volumeMounts ?? []).map((m) => [m.mountPath, m]));
    assert.equal(
      mounts['/var/run/agent-governor/credentials/openai-eu']?.name,
      'agent-governor-cred-openai-eu',
    );
    assert.equal(
      mounts['/var/run/agent-governor/credentials/azure.keys']?.name,
      credentialsVolumeName('azure.keys'),
    );
    assert.equal(mounts['/var/run/agent-governor/credentials/openai-eu']?.readOnly, true);
    const args = sidecarOf(result)?.args ?? [];
    assert.equal(args[args.indexOf('--token-file') + 1], '/var/run/agent-governor/token/token');
    assert.equal(args[args.indexOf('--policy-file') + 1], '/var/run/agent-governor/policy/policy.json');
    const app = result.spec?.containers?.[0];
    assert.equal(app?.volumeMounts, undefined, 'the agent container mounts nothing of the sidecar');
  });

  it('points every app container’s SDKs at the sidecar, keeping an explicit value with a warning', async () => {
    const object = pod(
      { [AGENT]: 'support' },
      {
        containers: [
          { name: 'app', image: 'a', env: [{ name: 'LOG', value: 'debug' }] },
          {
            name: 'pinned',
            image: 'b',
            env: [{ name: 'OPENAI_BASE_URL', value: 'https://eu.api.openai.com/v1' }],
          },
        ],
        initContainers: [{ name: 'warmup', image: 'c' }],
      },
    );
    const { pod: result, warnings } = await inject(object);
    const [app, pinned] = result.spec?.containers ?? [];
    assert.deepEqual(envOf(app), {
      LOG: 'debug',
      OPENAI_BASE_URL: 'http://127.0.0.1:4000/v1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000',
    });
    assert.equal(envOf(pinned)['OPENAI_BASE_URL'], 'https://eu.api.openai.com/v1');
    assert.equal(envOf(pinned)['ANTHROPIC_BASE_URL'], 'http://127.0.0.1:4000');
    assert.deepEqual(warnings, [
      'container pinned sets OPENAI_BASE_URL itself: its calls bypass the agent-governor sidecar',
    ]);
    // The sidecar goes first; the pod's own init container keeps its place after it, with the env.
    assert.deepEqual(
      result.spec?.initContainers?.map((c) => c.name),
      [SIDECAR_CONTAINER, 'warmup'],
    );
    assert.equal(envOf(result.spec?.initContainers?.[1])['OPENAI_BASE_URL'], 'http://127.0.0.1:4000/v1');
  });

  it('records what it injected', async () => {
    const { pod: result } = await inject(pod({ [AGENT]: 'support' }, {}, { team: 'a' }));
    assert.equal(result.metadata?.annotations?.['team'], 'a');
    assert.deepEqual(JSON.parse(result.metadata?.annotations?.[INJECTED_ANNOTATION] ?? '{}'), {
      version: options.version,
      image: options.image,
      mode: 'native-sidecar',
    });
  });

  it('is idempotent: a second pass over the injected pod changes nothing', async () => {
    const object = pod({ [AGENT]: 'support' }, { initContainers: [{ name: 'warmup', image: 'c' }] });
    const once = await inject(object);
    const twice = await inject(once.pod);
    assert.deepEqual(twice.patch, []);
    assert.deepEqual(twice.pod, once.pod);
  });

  it('completes a pod a later webhook added a container to (reinvocation): env only', async () => {
    const once = await inject(pod({ [AGENT]: 'support' }));
    const grown = structuredClone(once.pod);
    grown.spec?.containers?.push({ name: 'added-later', image: 'x' });
    const again = await inject(grown);
    assert.deepEqual(
      again.patch.map((op) => op.path),
      ['/spec/containers/1/env'],
    );
  });

  it('falls back to a regular container when native sidecars are off', async () => {
    const regular: SidecarInjectionOptions = { ...options, nativeSidecar: false };
    const { pod: result } = await inject(pod({ [AGENT]: 'support' }), {}, regular);
    assert.equal(result.spec?.initContainers, undefined);
    const sidecar = result.spec?.containers?.at(-1);
    assert.equal(sidecar?.name, SIDECAR_CONTAINER);
    assert.equal(sidecar?.restartPolicy, undefined);
    assert.match(result.metadata?.annotations?.[INJECTED_ANNOTATION] ?? '', /"mode":"container"/);
  });
});

describe('credentialsVolumeName', () => {
  it('uses the Secret name when it makes a volume name, else a cleaned name with a hash', () => {
    assert.equal(credentialsVolumeName('openai'), 'agent-governor-cred-openai');
    const dotted = credentialsVolumeName('azure.keys');
    assert.match(dotted, /^agent-governor-cred-azure-keys-[0-9a-f]{8}$/);
    assert.notEqual(credentialsVolumeName('azure.keys'), credentialsVolumeName('azure-keys'));
    const long = credentialsVolumeName('x'.repeat(200));
    assert.ok(long.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(long), long);
  });
});

describe('sidecarInjectionHandler: gateway mode', () => {
  const gatewayUrl = 'http://agent-governor-gateway.opted-in.svc:4000';
  it('adds no sidecar to a pod labelled governor.agents.dev/mode=gateway, only the SDK environment', async () => {
    const { pod: out, warnings } = await inject(
      pod({ [AGENT]: 'support', 'governor.agents.dev/mode': 'gateway' }),
      {},
      { ...options, gatewayUrl },
    );
    assert.equal(sidecarOf(out), undefined);
    assert.deepEqual(warnings, []);
    const env = envOf(out.spec?.containers?.[0]);
    assert.equal(env['OPENAI_BASE_URL'], `${gatewayUrl}/v1`);
    assert.equal(env['AGENT_GOVERNOR_TOKEN_FILE'], '/var/run/agent-governor/gateway/token');
    // Provider keys stay in the gateway: no credentials volume in the agent's pod.
    assert.ok(!out.spec?.volumes?.some((v) => v.secret));
  });

  it('injects the sidecar, with a warning, when no gateway is known', async () => {
    const { pod: out, warnings } = await inject(
      pod({ [AGENT]: 'support', 'governor.agents.dev/mode': 'gateway' }),
    );
    assert.ok(sidecarOf(out));
    assert.match(warnings[0] ?? '', /knows no gateway/);
  });
});
