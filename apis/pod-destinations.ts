import type { EffectivePolicy } from './effective-policy.js';
import { expandVarReferences } from './endpoint-host.js';
import {
  mountedConfigFiles,
  mountedConfigMapNames,
  type SkippedMount,
  type VolumeLike,
  type VolumeMountLike,
} from './mounted-config-files.js';
import {
  type DestinationMemo,
  fileDestinations,
  llmEndpointSetting,
  type NamedDestination,
  namedDestinations,
} from './named-destinations.js';
import type { CatalogAddition } from './region-catalog.js';
import { type ResidencyDecision, residencyDecision } from './residency-decision.js';
import { aliasTargets, type ServiceLookup } from './service-aliases.js';

export {
  type DestinationMemo,
  destinationMemo,
  isLlmEndpointSetting,
  type NamedDestination,
} from './named-destinations.js';

/**
 * Every place a pod can carry a network destination, found in a pod spec the way the kubelet would
 * assemble it — residency must see every way a workload can name an endpoint, or moving a URL from
 * env into a ConfigMap would get around a policy (ARCHITECTURE.md, "Data residency"): each
 * container's (init, regular, ephemeral) env values with `$(VAR)` references between env vars
 * expanded, `valueFrom.configMapKeyRef` and `envFrom` ConfigMaps, the files of the ConfigMaps it
 * mounts (configMap and projected volumes: mounted-config-files.ts; the settings in them read by
 * config-file-settings.ts), command and args (expanded with the container's env), and the pod's
 * `governor.agents.dev/egress` annotation. Cluster-internal hosts are not egress and are left out —
 * unless they name a Service that stands for an external host (an ExternalName, or a Service
 * without selector whose EndpointSlices list outside addresses: service-aliases.ts), which is then
 * judged as that host. Used by the residency audit and the admission webhook. Pure.
 *
 * A destination in an LLM-endpoint setting (`*_BASE_URL`, `*_ENDPOINT`, `*_API_BASE`, `base_url`,
 * `endpoint`, … in env or in a mounted file, the egress annotation) is judged even when the catalog
 * cannot place it (an unknown endpoint); elsewhere only URLs are reported, and only the ones the
 * catalog places are judged — a `DATABASE_URL` of an unknown host is none of residency's business.
 * Values the pod spec does not hold cannot be inspected and are skipped: field refs, ConfigMaps not
 * given, and Secrets — env from Secrets and Secret volumes are never read: the operator may not read
 * the cluster's Secrets (least privilege: a governor that could read every Secret would hold every
 * credential of the cluster).
 */

export const EGRESS_ANNOTATION = 'governor.agents.dev/egress';

export interface PodDestination {
  /** Container name; absent for the pod's egress annotation. */
  container?: string;
  /**
   * Where it was found: `env OPENAI_BASE_URL`, `arg 2`, `command 0`, `configmap llm-config/base_url`,
   * `file /etc/agent/config.yaml, setting base_url (configmap llm-files/config.yaml)`,
   * `annotation governor.agents.dev/egress`; through a Service alias, followed by
   * `via Service agents/llm-proxy`.
   */
  source: string;
  /** The destination as written, `$(VAR)` references expanded. */
  endpoint: string;
  /** The host a client connects to (through a Service alias: the host the Service stands for). */
  host: string;
  region?: string;
  jurisdiction?: string;
  /** Found in an LLM-endpoint setting: an unknown region counts against it. */
  llmSetting: boolean;
  /**
   * For an unplaced `<service>.<namespace>` host whose namespace does not exist (set only when the
   * caller gives isClusterNamespace): that namespace, so a message can say why it is not a Service.
   */
  serviceNamespace?: string;
  /** The endpoint names a Service alias: what it stands for (external name or address), judged instead. */
  target?: string;
}

/** The parts of a container spec destinations hide in. */
export interface ContainerLike {
  name: string;
  command?: string[];
  args?: string[];
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: { name: string; key: string; optional?: boolean } } & Record<
      string,
      unknown
    >;
  }>;
  envFrom?: Array<
    { prefix?: string; configMapRef?: { name: string; optional?: boolean } } & Record<string, unknown>
  >;
  volumeMounts?: VolumeMountLike[];
}

export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  volumes?: VolumeLike[];
}

export interface PodDestinationInputs {
  spec: PodSpecLike | undefined;
  /** Pod (template) annotations: the egress annotation lists destinations the agent reaches itself. */
  annotations?: Readonly<Record<string, string>>;
  /** ConfigMap data by name, of the pod's namespace (see referencedConfigMaps). */
  configMaps?: Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;
  /** Catalog additions of the residency policies that apply. */
  additions?: readonly CatalogAddition[];
  /** Remembers what each value names across calls; used only when made for the same `additions`. */
  memo?: DestinationMemo;
  /**
   * Whether a namespace exists in the cluster: a host `<service>.<namespace>` the catalog cannot
   * place then names a Service there (the pod's DNS search path), not egress. Without it such a host
   * is judged like any other.
   */
  isClusterNamespace?: (name: string) => boolean;
  /** The pod's namespace: its short names (`http://llm-proxy`) name its Services. */
  namespace?: string;
  /** The cluster's Services that stand for external hosts; without it no Service is followed. */
  services?: ServiceLookup;
  /** ConfigMap mounts not to read (the operator's own: the sidecar's policy mirror). */
  skipMount?: SkippedMount;
}

/**
 * The ConfigMaps a pod spec reads (configMapKeyRef, envFrom, and the configMap and projected
 * volumes a container mounts), so the caller can fetch them.
 */
export function referencedConfigMaps(spec: PodSpecLike | undefined, skipMount?: SkippedMount): string[] {
  const names = new Set<string>();
  const containers = allContainers(spec);
  for (const container of containers) {
    for (const from of container.envFrom ?? [])
      if (from.configMapRef?.name) names.add(from.configMapRef.name);
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef;
      if (ref?.name) names.add(ref.name);
    }
  }
  if (spec?.volumes?.length) {
    for (const name of mountedConfigMapNames(spec.volumes, containers, skipMount)) names.add(name);
  }
  return [...names].sort();
}

export function podDestinations(inputs: PodDestinationInputs): PodDestination[] {
  const found: PodDestination[] = [];
  const seen = new Set<string>();
  const additions = inputs.additions ?? [];
  const memo = inputs.memo?.additions === additions ? inputs.memo : undefined;
  const isClusterNamespace = inputs.isClusterNamespace;
  const aliases = inputs.services
    ? {
        services: inputs.services,
        additions,
        ...(inputs.namespace !== undefined ? { namespace: inputs.namespace } : {}),
        ...(isClusterNamespace ? { isClusterNamespace } : {}),
      }
    : undefined;
  const push = (destination: PodDestination, container: string | undefined, text: string) => {
    const key = `${container ?? ''}\n${destination.source}\n${text}\n${destination.target ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (container !== undefined) destination.container = container;
    found.push(destination);
  };
  // `source` is `${what} ${which}`, put together only for a value that names a destination (few do).
  // Returns the texts it reported (a file's settings are not reported again by the scan of the file).
  const report = (
    container: string | undefined,
    names: readonly NamedDestination[],
    llmSetting: boolean,
    what: string,
    which: string | number,
    skip?: ReadonlySet<string>,
  ): string[] => {
    if (names.length === 0) return NO_TEXTS;
    const source = `${what} ${which}`;
    const reported: string[] = [];
    for (const named of names) {
      if (skip?.has(named.text)) continue;
      const targets = named.service && aliases ? aliasTargets(named.service, aliases) : undefined;
      if (targets) {
        for (const target of targets) {
          // Outside LLM settings only what the catalog places is judged.
          if (!llmSetting && target.region === undefined) continue;
          const destination: PodDestination = {
            source: `${source} via ${target.via}`,
            endpoint: named.text,
            host: target.host,
            llmSetting,
            target: target.text,
          };
          if (target.region !== undefined) destination.region = target.region;
          if (target.jurisdiction !== undefined) destination.jurisdiction = target.jurisdiction;
          push(destination, container, named.text);
        }
        reported.push(named.text);
        continue;
      }
      if (named.aliasOnly) continue;
      if (named.serviceNamespace !== undefined && isClusterNamespace?.(named.serviceNamespace)) continue;
      // Built property by property: spreading optional parts is several times slower on this path.
      const destination: PodDestination = { source, endpoint: named.text, host: named.host, llmSetting };
      if (named.region !== undefined) destination.region = named.region;
      if (named.jurisdiction !== undefined) destination.jurisdiction = named.jurisdiction;
      // Said only by a caller that knows the namespaces (then this one does not exist).
      if (named.serviceNamespace !== undefined && isClusterNamespace)
        destination.serviceNamespace = named.serviceNamespace;
      push(destination, container, named.text);
      reported.push(named.text);
    }
    return reported;
  };
  const add = (
    container: string | undefined,
    text: string,
    llmSetting: boolean,
    what: string,
    which: string | number,
  ) => {
    report(container, namedDestinations(text, llmSetting, additions, memo), llmSetting, what, which);
  };
  const llm = (name: string) => llmEndpointSetting(name, memo);

  for (const container of allContainers(inputs.spec)) {
    // The variables `$(VAR)` may name; kept only when the container writes a `$` somewhere (few do).
    const env = expandsReferences(container) ? new Map<string, string>() : NO_ENV;
    // envFrom first: the kubelet sets those, then env (which wins on a clash) in list order.
    for (const from of container.envFrom ?? []) {
      const name = from.configMapRef?.name;
      if (!name) continue;
      for (const [key, value] of Object.entries(inputs.configMaps?.[name] ?? {})) {
        const variable = `${from.prefix ?? ''}${key}`;
        if (env !== NO_ENV) env.set(variable, value);
        add(container.name, value, llm(variable), 'configmap', `${name}/${key}`);
      }
    }
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) {
        const value = env === NO_ENV ? variable.value : expandVarReferences(variable.value, env);
        if (env !== NO_ENV) env.set(variable.name, value);
        add(container.name, value, llm(variable.name), 'env', variable.name);
      } else if (variable.valueFrom?.configMapKeyRef) {
        const ref = variable.valueFrom.configMapKeyRef;
        const value = inputs.configMaps?.[ref.name]?.[ref.key];
        if (value === undefined) continue;
        if (env !== NO_ENV) env.set(variable.name, value);
        add(
          container.name,
          value,
          llm(variable.name),
          'env',
          `${variable.name} (configmap ${ref.name}/${ref.key})`,
        );
      }
    }
    const command = container.command ?? [];
    for (let i = 0; i < command.length; i++) {
      add(container.name, expandVarReferences(command[i] as string, env), false, 'command', i);
    }
    const args = container.args ?? [];
    for (let i = 0; i < args.length; i++) {
      add(container.name, expandVarReferences(args[i] as string, env), false, 'arg', i);
    }
    if (container.volumeMounts?.length) {
      const files = mountedConfigFiles(container, inputs.spec?.volumes, inputs.configMaps, inputs.skipMount);
      for (const file of files) {
        const from = `(configmap ${file.configMap}/${file.key})`;
        // The file's endpoint settings first (an unknown host there is judged), then any URL in it.
        const named = fileDestinations(file.content, additions, memo);
        const settled = new Set<string>();
        for (const setting of named.settings) {
          const which = `${file.path}, setting ${setting.key} ${from}`;
          for (const text of report(container.name, setting.named, true, 'file', which)) settled.add(text);
        }
        report(container.name, named.other, false, 'file', `${file.path} ${from}`, settled);
      }
    }
  }

  const egress = inputs.annotations?.[EGRESS_ANNOTATION];
  if (egress) add(undefined, egress, true, 'annotation', EGRESS_ANNOTATION);
  return found;
}

/**
 * Residency's verdict on one destination: judged by the policies when the catalog places it or when
 * it sits in an LLM-endpoint setting; any other unplaced destination is allowed. A destination
 * through a Service alias is judged as the host the Service stands for.
 */
export function judgeDestination(
  destination: PodDestination,
  residency: EffectivePolicy['residency'],
): ResidencyDecision {
  if (destination.region === undefined && !destination.llmSetting) return { allowed: true };
  return residencyDecision(residency, { baseUrl: destination.target ?? destination.endpoint });
}

const NO_TEXTS: string[] = [];
const NO_CONTAINERS: readonly ContainerLike[] = Object.freeze([]);
/** Stands for an empty env where no `$(VAR)` can be expanded: never written to. */
const NO_ENV: Map<string, string> = new Map();

function allContainers(spec: PodSpecLike | undefined): readonly ContainerLike[] {
  if (!spec) return NO_CONTAINERS;
  // Most pods have regular containers only: no copy then (this runs for every review).
  if (!spec.initContainers?.length && !spec.ephemeralContainers?.length)
    return spec.containers ?? NO_CONTAINERS;
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/**
 * Whether any env value, command or arg of the container holds a `$` (a `$(VAR)` reference or a
 * `$$` escape). ConfigMap values are set, never expanded: only references written in the spec count.
 */
function expandsReferences(container: ContainerLike): boolean {
  for (const variable of container.env ?? []) if (variable.value?.includes('$')) return true;
  for (const part of container.command ?? []) if (part.includes('$')) return true;
  for (const part of container.args ?? []) if (part.includes('$')) return true;
  return false;
}
