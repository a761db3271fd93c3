import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { GATEWAY_TOKEN_DIR, GATEWAY_TOKEN_VOLUME, gatewayPodPatch } from './gateway-pod-patch.js';
import { applyJsonPatch } from './testdata/apply-json-patch.js';

const url = 'http://agent-governor-gateway.team-a.svc:4000';

describe('gatewayPodPatch', () => {
  const pod: V1Pod = {
    metadata: { labels: { 'governor.agents.dev/agent': 'support' } },
    spec: {
      initContainers: [{ name: 'warm-up', image: 'agent:1' }],
      containers: [
        { name: 'app', image: 'agent:1', env: [{ name: 'LOG', value: 'debug' }] },
        {
          name: 'own-url',
          image: 'agent:1',
          env: [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }],
        },
      ],
    },
  };
  const { patch, warnings } = gatewayPodPatch(pod, url, '1.2.3');
  const out = applyJsonPatch(pod, patch);

  it('adds no container, and points every app container at the gateway with the token file', () => {
    assert.deepEqual(
      out.spec?.containers?.map((c) => c.name),
      ['app', 'own-url'],
    );
    const env = Object.fromEntries((out.spec?.containers?.[0]?.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual(env, {
      LOG: 'debug',
      OPENAI_BASE_URL: `${url}/v1`,
      ANTHROPIC_BASE_URL: url,
      AGENT_GOVERNOR_TOKEN_FILE: `${GATEWAY_TOKEN_DIR}/token`,
    });
    assert.ok(out.spec?.initContainers?.[0]?.env?.some((e) => e.name === 'AGENT_GOVERNOR_TOKEN_FILE'));
  });

  it('mounts a projected token of the gateway audience, rotated by the kubelet, read-only', () => {
    const volume = out.spec?.volumes?.find((v) => v.name === GATEWAY_TOKEN_VOLUME);
    assert.deepEqual(volume?.projected?.sources?.[0]?.serviceAccountToken, {
      audience: 'agent-governor-gateway',
      expirationSeconds: 3600,
      path: 'token',
    });
    for (const c of [...(out.spec?.containers ?? []), ...(out.spec?.initContainers ?? [])]) {
      assert.deepEqual(c.volumeMounts, [
        { name: GATEWAY_TOKEN_VOLUME, mountPath: GATEWAY_TOKEN_DIR, readOnly: true },
      ]);
    }
    assert.match(out.metadata?.annotations?.['governor.agents.dev/injected'] ?? '', /"mode":"gateway"/);
  });

  it('keeps a container’s own base URL, with a warning that it bypasses the gateway', () => {
    assert.equal(
      out.spec?.containers?.[1]?.env?.find((e) => e.name === 'OPENAI_BASE_URL')?.value,
      'https://api.openai.com/v1',
    );
    assert.deepEqual(warnings, [
      'container own-url sets OPENAI_BASE_URL itself: its calls bypass the agent-governor gateway',
    ]);
  });

  it('changes nothing on a second pass', () =>
    assert.deepEqual(gatewayPodPatch(out, url, '1.2.3').patch, []));
});
