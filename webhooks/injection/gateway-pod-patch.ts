// The JSON Patch of gateway mode: no container is added. Every app container gets the SDK
// environment pointing at the gateway (OPENAI_BASE_URL, ANTHROPIC_BASE_URL) and the path of its
// pod's projected ServiceAccount token (AGENT_GOVERNOR_TOKEN_FILE, audience agent-governor-gateway),
// which the agent sends as its API key; the kubelet rotates the token in place. Idempotent like the
// sidecar's patch. Pure. docs/adr/0059-gateway-mode.md.
import type { V1EnvVar, V1Volume } from '@kubernetes/client-node';
import { GATEWAY_TOKEN_AUDIENCE } from '../../apis/sidecar-protocol.js';
import type { JsonPatchOperation } from '../admission/admission-review.js';
import { INJECTED_ANNOTATION } from './injection-labels.js';
import { VOLUME_PREFIX } from './sidecar-container.js';
import {
  environmentPatch,
  escapePointer,
  type PodPatch,
  type PodShape,
  volumesPatch,
} from './sidecar-pod-patch.js';

export const GATEWAY_TOKEN_VOLUME = `${VOLUME_PREFIX}gateway-token`;
export const GATEWAY_TOKEN_DIR = '/var/run/agent-governor/gateway';
export const TOKEN_FILE_VARIABLE = 'AGENT_GOVERNOR_TOKEN_FILE';

/** What the agent's SDKs read in gateway mode: the gateway's base URLs and the token file. */
export function gatewayEnvironment(gatewayUrl: string): V1EnvVar[] {
  const base = gatewayUrl.replace(/\/+$/, '');
  return [
    { name: 'OPENAI_BASE_URL', value: `${base}/v1` },
    { name: 'ANTHROPIC_BASE_URL', value: base },
    { name: TOKEN_FILE_VARIABLE, value: `${GATEWAY_TOKEN_DIR}/token` },
  ];
}

export function gatewayTokenVolume(): V1Volume {
  return {
    name: GATEWAY_TOKEN_VOLUME,
    projected: {
      sources: [
        { serviceAccountToken: { audience: GATEWAY_TOKEN_AUDIENCE, expirationSeconds: 3600, path: 'token' } },
      ],
    },
  };
}

export function gatewayPodPatch(pod: PodShape, gatewayUrl: string, version: string): PodPatch {
  const warnings: string[] = [];
  const spec = pod.spec ?? {};
  const patch: JsonPatchOperation[] = [
    ...environmentPatch(spec, gatewayEnvironment(gatewayUrl), 'the agent-governor gateway', warnings),
  ];
  // The token is mounted into every app container, read-only.
  for (const list of ['containers', 'initContainers'] as const) {
    for (const [i, container] of (spec[list] ?? []).entries()) {
      const mounts = container.volumeMounts;
      if (mounts?.some((m) => m.name === GATEWAY_TOKEN_VOLUME)) continue;
      const mount = { name: GATEWAY_TOKEN_VOLUME, mountPath: GATEWAY_TOKEN_DIR, readOnly: true };
      if (!mounts) patch.push({ op: 'add', path: `/spec/${list}/${i}/volumeMounts`, value: [mount] });
      else patch.push({ op: 'add', path: `/spec/${list}/${i}/volumeMounts/-`, value: mount });
    }
  }
  patch.push(...volumesPatch(spec, [gatewayTokenVolume()]));
  const record = JSON.stringify({ version, mode: 'gateway', gateway: gatewayUrl });
  const annotations = pod.metadata?.annotations;
  if (!annotations) {
    patch.push({ op: 'add', path: '/metadata/annotations', value: { [INJECTED_ANNOTATION]: record } });
  } else if (annotations[INJECTED_ANNOTATION] !== record) {
    patch.push({
      op: 'add',
      path: `/metadata/annotations/${escapePointer(INJECTED_ANNOTATION)}`,
      value: record,
    });
  }
  return { patch, warnings };
}
