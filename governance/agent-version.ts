// The version of an agent workload: a fingerprint of everything that can change what the agent does
// or where its data goes, so that an approval given to one version does not carry over to another.
// Pure; the admission webhook, the ApprovalPolicy audit and `agent-governor dataflows` compute it
// the same way from the same inputs (docs/adr/0032-agent-version-fingerprint.md).
//
// In: every container (init, regular, ephemeral) — name, image (by digest when the reference
// carries one), command, args, env values and the references of valueFrom / envFrom; the ConfigMaps
// the pod reads (env, envFrom, volumes, projected volumes) by a hash of their content; the egress
// and declared-dataflows annotations; the FallbackRoutes the agent uses (model, targets, degrade
// model). Out: replicas, resources, probes, labels and other annotations (a `rollout restart` is not
// a new version), Secrets' content (never read), the workload's name and kind.
import { createHash } from 'node:crypto';
import type { PodTemplate } from '../agents/agent-discovery.js';
import type { FallbackRoute } from '../apis/fallback-route.js';
import { EGRESS_ANNOTATION } from '../apis/pod-destinations.js';
import { DATAFLOWS_ANNOTATION } from './declared-flows.js';

export const VERSION_PREFIX = 'v1-';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, Record<string, unknown> | undefined>;
}

interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: Array<Record<string, unknown>>;
}

interface Volume {
  name: string;
  configMap?: { name?: string };
  projected?: { sources?: Array<{ configMap?: { name?: string } }> };
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
}

/** What a version is made of, for people: the fingerprint alone says nothing about what changed. */
export interface VersionParts {
  images: string[];
  /** ConfigMap name → `sha256:<12 hex>` of its data, or `missing`. */
  configMaps: Record<string, string>;
  /** `route/model → target model@endpoint, …`. */
  routes: string[];
  /** Models named in settings (`*_MODEL`), and those of the routes. */
  models: string[];
}

export interface AgentVersion {
  /** `v1-` and 20 hex digits. */
  version: string;
  parts: VersionParts;
}

export interface VersionInputs {
  template: PodTemplate | undefined;
  /** The workload's own annotations (the egress and dataflows annotations may sit there). */
  annotations?: Readonly<Record<string, string>>;
  /** The routes the agent uses (agents/route-selection.ts). */
  routes: readonly FallbackRoute[];
  /** Data (and binaryData) of a ConfigMap of the workload's namespace the template reads; undefined: missing. */
  configMap: (name: string) => ConfigMapContent | undefined;
}

export interface ConfigMapContent {
  data?: Readonly<Record<string, string>>;
  binaryData?: Readonly<Record<string, string>>;
}

const MODEL_SETTING = /(^|_)MODEL(_NAME|_ID)?$/;

/** Every ConfigMap the pod template reads: env valueFrom, envFrom, volumes and projected volumes. */
export function configMapsReadBy(template: PodTemplate | undefined): string[] {
  const spec = template?.spec as PodSpec | undefined;
  const names = new Set<string>();
  for (const container of containersOf(spec)) {
    for (const from of container.envFrom ?? []) {
      const name = (from['configMapRef'] as { name?: string } | undefined)?.name;
      if (name) names.add(name);
    }
    for (const env of container.env ?? []) {
      const name = (env.valueFrom?.['configMapKeyRef'] as { name?: string } | undefined)?.name;
      if (name) names.add(name);
    }
  }
  for (const volume of spec?.volumes ?? []) {
    if (volume.configMap?.name) names.add(volume.configMap.name);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) names.add(source.configMap.name);
    }
  }
  return [...names].sort();
}

export function agentVersion(inputs: VersionInputs): AgentVersion {
  const spec = inputs.template?.spec as PodSpec | undefined;
  const templateAnnotations = inputs.template?.metadata?.annotations ?? {};
  const annotation = (key: string) => templateAnnotations[key] ?? inputs.annotations?.[key] ?? '';
  const configMaps: Record<string, string> = {};
  for (const name of configMapsReadBy(inputs.template)) {
    const content = inputs.configMap(name);
    configMaps[name] = content ? `sha256:${sha256(canonical(content)).slice(0, 12)}` : 'missing';
  }
  const routes = [...inputs.routes]
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .map((route) => ({
      name: route.metadata?.name ?? '',
      model: route.spec.model,
      targets: route.spec.targets.map((t) => ({
        name: t.name,
        provider: t.provider,
        endpoint: t.endpoint,
        model: t.model ?? route.spec.model,
        region: t.region ?? null,
      })),
      degradeTo: route.spec.degradeTo?.model ?? null,
    }));
  const containers = containersOf(spec).map((c) => ({
    name: c.name,
    image: imageIdentity(c.image ?? ''),
    command: c.command ?? [],
    args: c.args ?? [],
    env: (c.env ?? []).map((e) => ({ name: e.name, value: e.value ?? null, from: e.valueFrom ?? null })),
    envFrom: c.envFrom ?? [],
  }));
  const fingerprinted = {
    containers,
    configMaps,
    routes,
    egress: annotation(EGRESS_ANNOTATION),
    dataflows: annotation(DATAFLOWS_ANNOTATION),
  };
  const models = new Set<string>();
  for (const c of containersOf(spec)) {
    for (const e of c.env ?? []) {
      if (e.value && MODEL_SETTING.test(e.name.toUpperCase())) models.add(e.value);
    }
  }
  for (const route of routes) {
    models.add(route.model);
    for (const t of route.targets) models.add(t.model);
    if (route.degradeTo) models.add(route.degradeTo);
  }
  return {
    version: `${VERSION_PREFIX}${sha256(canonical(fingerprinted)).slice(0, 20)}`,
    parts: {
      images: containers.map((c) => c.image),
      configMaps,
      routes: routes.map(
        (r) => `${r.name}/${r.model} → ${r.targets.map((t) => `${t.model}@${t.endpoint}`).join(', ')}`,
      ),
      models: [...models].sort(),
    },
  };
}

/** `registry/app@sha256:…` (the digest alone decides what runs, whatever tag is written) or the reference as written. */
export function imageIdentity(image: string): string {
  const at = image.indexOf('@sha256:');
  if (at === -1) return image.trim();
  const name = image.slice(0, at).replace(/:[^/:]+$/, '');
  return `${name}${image.slice(at)}`;
}

function containersOf(spec: PodSpec | undefined): Container[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

/** JSON with object keys sorted at every depth: the same content always hashes the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
