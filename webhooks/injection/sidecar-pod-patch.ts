// The JSON Patch that injects the sidecar into a pod, computed against what the pod already has, so
// that a second pass (the API server reinvoking us after another mutating webhook, or a pod copied
// from an injected one) adds only what is missing — usually nothing. Pure.
//
// The SDK environment goes into every app container (regular and init) that does not set the
// variable itself: an explicit `env` entry is the workload's own choice and is kept, with a warning
// (residency still judges the URL it names). Values from `envFrom` are overridden — Kubernetes lets
// `env` win over `envFrom` — so a ConfigMap-wide base URL does not bypass the sidecar silently.
import type { V1Container, V1EnvVar, V1Volume } from '@kubernetes/client-node';
import type { JsonPatchOperation } from '../admission/admission-review.js';
import { INJECTED_ANNOTATION, SIDECAR_LABEL, SIDECAR_LABEL_VALUE } from './injection-labels.js';
import type { SidecarInjectionOptions } from './injection-options.js';
import { SIDECAR_CONTAINER, type SidecarPlan, sdkEnvironment } from './sidecar-container.js';

export interface PodShape {
  metadata?: {
    name?: string;
    generateName?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    containers?: V1Container[];
    initContainers?: V1Container[];
    volumes?: V1Volume[];
    terminationGracePeriodSeconds?: number;
  };
}

export interface PodPatch {
  patch: JsonPatchOperation[];
  warnings: string[];
}

/** The record of an injection (annotation `governor.agents.dev/injected`). */
export function injectedRecord(options: SidecarInjectionOptions): string {
  return JSON.stringify({
    version: options.version,
    image: options.image,
    mode: options.nativeSidecar ? 'native-sidecar' : 'container',
  });
}

export function sidecarPodPatch(
  pod: PodShape,
  plan: SidecarPlan,
  options: SidecarInjectionOptions,
): PodPatch {
  const patch: JsonPatchOperation[] = [];
  const warnings: string[] = [];
  const spec = pod.spec ?? {};
  const containers = spec.containers ?? [];
  const initContainers = spec.initContainers ?? [];
  const hasSidecar = [...containers, ...initContainers].some((c) => c.name === SIDECAR_CONTAINER);

  // Environment first: its paths use the indices as they are before the sidecar is inserted.
  patch.push(...environmentPatch(spec, sdkEnvironment(options.port), 'the agent-governor sidecar', warnings));
  patch.push(...volumesPatch(spec, plan.volumes));

  if (!hasSidecar) {
    if (options.nativeSidecar) {
      // First of the init containers: it runs before the others, which may call models too.
      if (!spec.initContainers)
        patch.push({ op: 'add', path: '/spec/initContainers', value: [plan.container] });
      else patch.push({ op: 'add', path: '/spec/initContainers/0', value: plan.container });
    } else {
      patch.push({ op: 'add', path: '/spec/containers/-', value: plan.container });
    }
  }

  // The record says what this webhook injected; a sidecar already there keeps the record it came with.
  const record = injectedRecord(options);
  const annotations = pod.metadata?.annotations;
  const current = annotations?.[INJECTED_ANNOTATION];
  if (!annotations) {
    patch.push({ op: 'add', path: '/metadata/annotations', value: { [INJECTED_ANNOTATION]: record } });
  } else if (hasSidecar ? current === undefined : current !== record) {
    patch.push({
      op: 'add',
      path: `/metadata/annotations/${escapePointer(INJECTED_ANNOTATION)}`,
      value: record,
    });
  }
  // The label says the pod has a sidecar (the PodMonitor selects on it), whoever injected it.
  const labels = pod.metadata?.labels;
  if (!labels) {
    patch.push({ op: 'add', path: '/metadata/labels', value: { [SIDECAR_LABEL]: SIDECAR_LABEL_VALUE } });
  } else if (labels[SIDECAR_LABEL] !== SIDECAR_LABEL_VALUE) {
    patch.push({
      op: 'add',
      path: `/metadata/labels/${escapePointer(SIDECAR_LABEL)}`,
      value: SIDECAR_LABEL_VALUE,
    });
  }
  return { patch, warnings };
}

/**
 * Adds `environment` to every app container (regular and init; not the sidecar) that does not set a
 * variable itself; a container's own different value is kept, with a warning that its calls bypass
 * `bypassed`. Shared by sidecar and gateway mode.
 */
export function environmentPatch(
  spec: NonNullable<PodShape['spec']>,
  environment: readonly V1EnvVar[],
  bypassed: string,
  warnings: string[],
): JsonPatchOperation[] {
  const patch: JsonPatchOperation[] = [];
  const addEnv = (list: 'containers' | 'initContainers', container: V1Container, index: number) => {
    if (container.name === SIDECAR_CONTAINER) return;
    const own = container.env ?? [];
    const missing: V1EnvVar[] = [];
    for (const variable of environment) {
      const explicit = own.find((e) => e.name === variable.name);
      if (!explicit) missing.push(variable);
      else if (explicit.value !== variable.value) {
        warnings.push(
          `container ${container.name} sets ${variable.name} itself: its calls bypass ${bypassed}`,
        );
      }
    }
    if (missing.length === 0) return;
    const base = `/spec/${list}/${index}/env`;
    if (!container.env) patch.push({ op: 'add', path: base, value: missing });
    else for (const variable of missing) patch.push({ op: 'add', path: `${base}/-`, value: variable });
  };
  for (const [i, c] of (spec.containers ?? []).entries()) addEnv('containers', c, i);
  for (const [i, c] of (spec.initContainers ?? []).entries()) addEnv('initContainers', c, i);
  return patch;
}

/** Adds the volumes of `wanted` the pod does not have yet (by name). */
export function volumesPatch(
  spec: NonNullable<PodShape['spec']>,
  wanted: readonly V1Volume[],
): JsonPatchOperation[] {
  const have = new Set((spec.volumes ?? []).map((v) => v.name));
  const missing = wanted.filter((v) => !have.has(v.name));
  if (missing.length === 0) return [];
  if (!spec.volumes) return [{ op: 'add', path: '/spec/volumes', value: missing }];
  return missing.map((volume) => ({ op: 'add', path: '/spec/volumes/-', value: volume }));
}

/** RFC 6901: `~` and `/` in a key. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
