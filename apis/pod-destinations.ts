import type { EffectivePolicy } from './effective-policy.js';
import { endpointHost, expandVarReferences } from './endpoint-host.js';
import { type CatalogAddition, placeEndpoint } from './region-catalog.js';
import { type ResidencyDecision, residencyDecision } from './residency-decision.js';

/**
 * Every place a pod can carry a network destination (DESIGN.md, "Data residency"), found in a pod
 * spec the way the kubelet would assemble it: each container's (init, regular, ephemeral) env
 * values with `$(VAR)` references between env vars expanded, `valueFrom.configMapKeyRef` and
 * `envFrom` ConfigMaps (from the data the caller gives), command and args (expanded with the
 * container's env), and the pod's `governor.agents.dev/egress` annotation. Cluster-internal hosts
 * are not egress and are left out. Used by the residency audit and the admission webhook. Pure.
 *
 * A destination in an LLM-endpoint setting (`*_BASE_URL`, `*_ENDPOINT`, `*_API_BASE`, the egress
 * annotation) is judged even when the catalog cannot place it (an unknown endpoint); elsewhere only
 * URLs are reported, and only the ones the catalog places are judged — a `DATABASE_URL` of an
 * unknown host is none of residency's business. Values the pod spec does not hold (Secrets, field
 * refs, ConfigMaps not given) cannot be inspected and are skipped.
 */

export const EGRESS_ANNOTATION = 'governor.agents.dev/egress';

export interface PodDestination {
  /** Container name; absent for the pod's egress annotation. */
  container?: string;
  /** Where it was found: `env OPENAI_BASE_URL`, `arg 2`, `command 0`, `configmap llm-config/base_url`, `annotation governor.agents.dev/egress`. */
  source: string;
  /** The destination as written, `$(VAR)` references expanded. */
  endpoint: string;
  /** The host a client connects to. */
  host: string;
  region?: string;
  jurisdiction?: string;
  /** Found in an LLM-endpoint setting: an unknown region counts against it. */
  llmSetting: boolean;
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
}

export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
}

export interface PodDestinationInputs {
  spec: PodSpecLike | undefined;
  /** Pod (template) annotations: the egress annotation lists destinations the agent reaches itself. */
  annotations?: Readonly<Record<string, string>>;
  /** ConfigMap data by name, of the pod's namespace (see referencedConfigMaps). */
  configMaps?: Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;
  /** Catalog additions of the residency policies that apply. */
  additions?: readonly CatalogAddition[];
}

const LLM_SETTING = /(^|_)(BASE_URL|ENDPOINT|API_BASE)$/;
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>,;]+/gi;
const FLAG_PREFIX = /^-{1,2}[A-Za-z0-9_.-]+=/;

/** Whether a setting name (env var, ConfigMap key) configures an LLM endpoint. */
export function isLlmEndpointSetting(name: string): boolean {
  return LLM_SETTING.test(name.toUpperCase().replace(/[-.]/g, '_'));
}

/** The ConfigMaps a pod spec reads env from (configMapKeyRef and envFrom), so the caller can fetch them. */
export function referencedConfigMaps(spec: PodSpecLike | undefined): string[] {
  const names = new Set<string>();
  for (const container of allContainers(spec)) {
    for (const from of container.envFrom ?? [])
      if (from.configMapRef?.name) names.add(from.configMapRef.name);
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef;
      if (ref?.name) names.add(ref.name);
    }
  }
  return [...names].sort();
}

export function podDestinations(inputs: PodDestinationInputs): PodDestination[] {
  const found: PodDestination[] = [];
  const seen = new Set<string>();
  const add = (container: string | undefined, source: string, text: string, llmSetting: boolean) => {
    for (const candidate of candidates(text, llmSetting)) {
      // Text that names no host a client could connect to (an unresolved $(VAR), a path) is no destination.
      if (!endpointHost(candidate.text)) continue;
      const placement = placeEndpoint(candidate.text, inputs.additions ?? []);
      if (placement.internal) continue;
      // Outside LLM settings only URLs (scheme://) count; a bare word is rarely a host.
      if (!llmSetting && !candidate.url && placement.region === undefined) continue;
      const key = `${container ?? ''}\n${source}\n${candidate.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({
        ...(container !== undefined ? { container } : {}),
        source,
        endpoint: candidate.text,
        host: placement.host,
        ...(placement.region !== undefined ? { region: placement.region } : {}),
        ...(placement.jurisdiction !== undefined ? { jurisdiction: placement.jurisdiction } : {}),
        llmSetting,
      });
    }
  };

  for (const container of allContainers(inputs.spec)) {
    const env: Record<string, string> = {};
    // envFrom first: the kubelet sets those, then env (which wins on a clash) in list order.
    for (const from of container.envFrom ?? []) {
      const name = from.configMapRef?.name;
      if (!name) continue;
      for (const [key, value] of Object.entries(inputs.configMaps?.[name] ?? {})) {
        const variable = `${from.prefix ?? ''}${key}`;
        env[variable] = value;
        add(container.name, `configmap ${name}/${key}`, value, isLlmEndpointSetting(variable));
      }
    }
    for (const variable of container.env ?? []) {
      let value: string | undefined;
      let source = `env ${variable.name}`;
      if (variable.value !== undefined) {
        value = expandVarReferences(variable.value, env);
      } else if (variable.valueFrom?.configMapKeyRef) {
        const ref = variable.valueFrom.configMapKeyRef;
        value = inputs.configMaps?.[ref.name]?.[ref.key];
        source = `env ${variable.name} (configmap ${ref.name}/${ref.key})`;
      }
      if (value === undefined) continue;
      env[variable.name] = value;
      add(container.name, source, value, isLlmEndpointSetting(variable.name));
    }
    for (const [i, text] of (container.command ?? []).entries()) {
      add(container.name, `command ${i}`, expandVarReferences(text, env), false);
    }
    for (const [i, text] of (container.args ?? []).entries()) {
      add(container.name, `arg ${i}`, expandVarReferences(text, env), false);
    }
  }

  const egress = inputs.annotations?.[EGRESS_ANNOTATION];
  if (egress) add(undefined, `annotation ${EGRESS_ANNOTATION}`, egress, true);
  return found;
}

/**
 * Residency's verdict on one destination: judged by the policies when the catalog places it or when
 * it sits in an LLM-endpoint setting; any other unplaced destination is allowed.
 */
export function judgeDestination(
  destination: PodDestination,
  residency: EffectivePolicy['residency'],
): ResidencyDecision {
  if (destination.region === undefined && !destination.llmSetting) return { allowed: true };
  return residencyDecision(residency, { baseUrl: destination.endpoint });
}

function allContainers(spec: PodSpecLike | undefined): ContainerLike[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

/** Pieces of a value that may name a destination: its whitespace/comma-separated words, URLs taken out of them. */
function candidates(text: string, llmSetting: boolean): Array<{ text: string; url: boolean }> {
  const found: Array<{ text: string; url: boolean }> = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const urls = raw.match(URL_IN_TEXT);
    if (urls) {
      for (const u of urls) found.push({ text: u.replace(/[).\]]+$/, ''), url: true });
      continue;
    }
    const word = raw.replace(FLAG_PREFIX, '').replace(/^["']|["']$/g, '');
    // Only an LLM setting's bare value is taken as a host; elsewhere a bare word must look like a domain.
    if (word !== '' && (llmSetting || word.includes('.'))) found.push({ text: word, url: false });
  }
  return found;
}
