import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FallbackRoute } from '../apis/fallback-route.js';
import { agentVersion, configMapsReadBy, imageIdentity } from './agent-version.js';
import { configMaps, route, supportDeployment } from './testdata/demo-like-cluster.js';

type Template = typeof supportDeployment.spec.template;
const base = supportDeployment.spec.template;
const versionOf = (
  template: Template = base,
  options: { routes?: FallbackRoute[]; prompt?: string; annotations?: Record<string, string> } = {},
) =>
  agentVersion({
    template,
    routes: options.routes ?? [route],
    ...(options.annotations ? { annotations: options.annotations } : {}),
    configMap: (name) =>
      name === 'support-prompt' && options.prompt !== undefined
        ? { data: { 'system.txt': options.prompt } }
        : configMaps[name],
  });
const withTemplate = (change: (t: Template) => void): Template => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe('agentVersion', () => {
  const before = versionOf().version;

  it('is a short, stable fingerprint of the same inputs', () => {
    assert.match(before, /^v1-[0-9a-f]{20}$/);
    assert.equal(versionOf().version, before);
  });

  const changes: Array<[string, () => string, boolean]> = [
    [
      'the prompt ConfigMap content',
      () => versionOf(base, { prompt: 'You may promise refunds.' }).version,
      true,
    ],
    [
      'a route target endpoint',
      () => {
        const moved = structuredClone(route);
        (moved.spec.targets[0] as { endpoint: string }).endpoint = 'https://api.openai.com/v1';
        return versionOf(base, { routes: [moved] }).version;
      },
      true,
    ],
    ['the routes used (none)', () => versionOf(base, { routes: [] }).version, true],
    [
      'the image',
      () =>
        versionOf(
          withTemplate((t) => {
            (t.spec.containers[0] as { image: string }).image = 'ghcr.io/example/support-agent:2.0.1';
          }),
        ).version,
      true,
    ],
    [
      'an env value',
      () =>
        versionOf(
          withTemplate((t) => {
            t.spec.containers[0]?.env.push({ name: 'TEMPERATURE', value: '0.9' });
          }),
        ).version,
      true,
    ],
    [
      'the declared dataflows',
      () =>
        versionOf(base, { annotations: { 'governor.agents.dev/dataflows': '- name: x\n  to: s3://b/' } })
          .version,
      true,
    ],
    [
      'a pod label',
      () =>
        versionOf(
          withTemplate((t) => {
            (t.metadata.labels as Record<string, string>)['team'] = 'cx';
          }),
        ).version,
      false,
    ],
    [
      'a restart annotation',
      () =>
        versionOf(
          withTemplate((t) => {
            (t.metadata as { annotations?: Record<string, string> }).annotations = {
              'kubectl.kubernetes.io/restartedAt': '2026-03-02T10:00:00Z',
            };
          }),
        ).version,
      false,
    ],
    [
      'resources',
      () =>
        versionOf(
          withTemplate((t) => {
            (t.spec.containers[0] as Record<string, unknown>)['resources'] = { limits: { cpu: '1' } };
          }),
        ).version,
      false,
    ],
  ];
  for (const [what, after, changesVersion] of changes) {
    it(`${changesVersion ? 'changes' : 'keeps'} the version when ${what} changes`, () => {
      assert.equal(after() !== before, changesVersion);
    });
  }

  it('says what the version is made of: images, ConfigMaps by content hash, routes, models', () => {
    const { parts } = versionOf();
    assert.deepEqual(parts.images, ['ghcr.io/example/support-agent:2.0.0']);
    assert.match(parts.configMaps['support-prompt'] ?? '', /^sha256:[0-9a-f]{12}$/);
    assert.deepEqual(parts.models, ['gpt-4o', 'gpt-4o-mini', 'gpt-4o-prod']);
    assert.equal(
      parts.routes[0],
      'gpt-4o/gpt-4o → gpt-4o@https://eu.api.openai.com/v1, gpt-4o-prod@https://agents-prod.openai.azure.com',
    );
  });

  it('reads ConfigMaps from env, envFrom, volumes and projected volumes; a missing one counts as missing', () => {
    const template = {
      spec: {
        containers: [
          {
            name: 'a',
            env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'from-env', key: 'x' } } }],
            envFrom: [{ configMapRef: { name: 'from-envfrom' } }],
          },
        ],
        volumes: [
          { name: 'v', configMap: { name: 'from-volume' } },
          {
            name: 'p',
            projected: { sources: [{ configMap: { name: 'from-projected' } }, { secret: { name: 's' } }] },
          },
        ],
      },
    };
    assert.deepEqual(configMapsReadBy(template), [
      'from-env',
      'from-envfrom',
      'from-projected',
      'from-volume',
    ]);
    assert.equal(
      agentVersion({ template, routes: [], configMap: () => undefined }).parts.configMaps['from-env'],
      'missing',
    );
  });

  it('identifies an image by its digest when the reference carries one, whatever the tag', () => {
    const digest = '@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    assert.equal(imageIdentity(`registry:5000/app:1.2${digest}`), `registry:5000/app${digest}`);
    assert.equal(imageIdentity(`registry:5000/app${digest}`), `registry:5000/app${digest}`);
    assert.equal(imageIdentity('registry:5000/app:1.2'), 'registry:5000/app:1.2');
  });
});
