import { serviceNamespaceOf } from './cluster-internal-host.js';
import type { EffectivePolicy } from './effective-policy.js';
import { endpointHost, expandVarReferences } from './endpoint-host.js';
import { type CatalogAddition, placeEndpoint } from './region-catalog.js';
import { type ResidencyDecision, residencyDecision } from './residency-decision.js';

/**
 * Every place a pod can carry a network destination, found in a pod spec the way the kubelet would
 * assemble it — residency must see every way a workload can name an endpoint, or moving a URL from
 * env into a ConfigMap would get around a policy (ARCHITECTURE.md, "Data residency"): each
 * container's (init, regular, ephemeral) env values with `$(VAR)` references between env vars
 * expanded, `valueFrom.configMapKeyRef` and `envFrom` ConfigMaps (from the data the caller gives),
 * command and args (expanded with the container's env), and the pod's `governor.agents.dev/egress`
 * annotation. Cluster-internal hosts are not egress and are left out. Used by the residency audit
 * and the admission webhook. Pure.
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
  /**
   * For an unplaced `<service>.<namespace>` host whose namespace does not exist (set only when the
   * caller gives isClusterNamespace): that namespace, so a message can say why it is not a Service.
   */
  serviceNamespace?: string;
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
  /** Remembers what each value names across calls; used only when made for the same `additions`. */
  memo?: DestinationMemo;
  /**
   * Whether a namespace exists in the cluster: a host `<service>.<namespace>` the catalog cannot
   * place then names a Service there (the pod's DNS search path), not egress. Without it such a host
   * is judged like any other.
   */
  isClusterNamespace?: (name: string) => boolean;
}

/**
 * What each value (and setting name) was found to name, kept across calls by a caller that judges
 * the same values again and again — the admission webhook sees one pod template as a Deployment,
 * a ReplicaSet and each Pod. Bound to one list of catalog additions (placement depends on it);
 * bounded (values over 1 KiB are not kept), the oldest entry goes first.
 */
export interface DestinationMemo {
  readonly additions: readonly CatalogAddition[];
  /** By value, for values of LLM-endpoint settings and for the others. */
  readonly named: {
    llm: Map<string, readonly NamedDestination[]>;
    other: Map<string, readonly NamedDestination[]>;
  };
  readonly settings: Map<string, boolean>;
  readonly maxEntries: number;
}

/** A destination a value names: the text as found, where it connects and where that is. */
export interface NamedDestination {
  text: string;
  host: string;
  region?: string;
  jurisdiction?: string;
  /**
   * For an unplaced two-label host `<service>.<namespace>`: the namespace. Whether it exists is asked
   * per call (namespaces come and go; the memo must not keep the answer).
   */
  serviceNamespace?: string;
}

export function destinationMemo(additions: readonly CatalogAddition[], maxEntries = 20_000): DestinationMemo {
  return { additions, named: { llm: new Map(), other: new Map() }, settings: new Map(), maxEntries };
}

const LLM_SETTING = /(^|_)(BASE_URL|ENDPOINT|API_BASE)$/;
const NONE: readonly NamedDestination[] = Object.freeze([]);
/** Longer values are not kept in a memo (an object may be megabytes; the memo stays small). */
const MEMO_MAX_TEXT = 1024;
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
  const additions = inputs.additions ?? [];
  const memo = inputs.memo?.additions === additions ? inputs.memo : undefined;
  const isClusterNamespace = inputs.isClusterNamespace;
  // `source` is `${what} ${which}`, put together only for a value that names a destination (few do).
  const add = (
    container: string | undefined,
    text: string,
    llmSetting: boolean,
    what: string,
    which: string | number,
  ) => {
    const names = namedDestinations(text, llmSetting, additions, memo);
    if (names.length === 0) return;
    const source = `${what} ${which}`;
    for (const named of names) {
      if (named.serviceNamespace !== undefined && isClusterNamespace?.(named.serviceNamespace)) continue;
      const key = `${container ?? ''}\n${source}\n${named.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Built property by property: spreading optional parts is several times slower on this path.
      const destination: PodDestination = { source, endpoint: named.text, host: named.host, llmSetting };
      if (container !== undefined) destination.container = container;
      if (named.region !== undefined) destination.region = named.region;
      if (named.jurisdiction !== undefined) destination.jurisdiction = named.jurisdiction;
      // Said only by a caller that knows the namespaces (then this one does not exist).
      if (named.serviceNamespace !== undefined && isClusterNamespace)
        destination.serviceNamespace = named.serviceNamespace;
      found.push(destination);
    }
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
  }

  const egress = inputs.annotations?.[EGRESS_ANNOTATION];
  if (egress) add(undefined, egress, true, 'annotation', EGRESS_ANNOTATION);
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

function llmEndpointSetting(name: string, memo: DestinationMemo | undefined): boolean {
  if (!memo) return isLlmEndpointSetting(name);
  let llm = memo.settings.get(name);
  if (llm === undefined) {
    llm = isLlmEndpointSetting(name);
    remember(memo.settings, name, llm, memo.maxEntries);
  }
  return llm;
}

function namedDestinations(
  text: string,
  llmSetting: boolean,
  additions: readonly CatalogAddition[],
  memo: DestinationMemo | undefined,
): readonly NamedDestination[] {
  if (!memo || text.length > MEMO_MAX_TEXT) return nameDestinations(text, llmSetting, additions);
  const map = llmSetting ? memo.named.llm : memo.named.other;
  let named = map.get(text);
  if (named === undefined) {
    named = nameDestinations(text, llmSetting, additions);
    remember(map, text, named, memo.maxEntries);
  }
  return named;
}

function remember<T>(map: Map<string, T>, key: string, value: T, maxEntries: number): void {
  if (map.size >= maxEntries) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/** The egress destinations `text` names: cluster-internal hosts and, outside LLM settings, unplaced bare words left out. */
function nameDestinations(
  text: string,
  llmSetting: boolean,
  additions: readonly CatalogAddition[],
): readonly NamedDestination[] {
  const named: NamedDestination[] = [];
  for (const candidate of candidates(text, llmSetting)) {
    // Text that names no host a client could connect to (an unresolved $(VAR), a path) is no destination.
    const endpoint = endpointHost(candidate.text);
    if (!endpoint) continue;
    const placement = placeEndpoint(candidate.text, additions);
    if (placement.internal) continue;
    // Outside LLM settings only URLs (scheme://) count; a bare word is rarely a host.
    if (!llmSetting && !candidate.url && placement.region === undefined) continue;
    // A catalog-placed host is judged even when its last label is a namespace's name.
    const serviceNamespace = placement.region === undefined ? serviceNamespaceOf(endpoint) : undefined;
    named.push({
      text: candidate.text,
      host: placement.host,
      ...(placement.region !== undefined ? { region: placement.region } : {}),
      ...(placement.jurisdiction !== undefined ? { jurisdiction: placement.jurisdiction } : {}),
      ...(serviceNamespace !== undefined ? { serviceNamespace } : {}),
    });
  }
  return named.length > 0 ? named : NONE;
}

/** Pieces of a value that may name a destination: its whitespace/comma-separated words, URLs taken out of them. */
function candidates(text: string, llmSetting: boolean): Array<{ text: string; url: boolean }> {
  const found: Array<{ text: string; url: boolean }> = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const urls = raw.match(URL_IN_TEXT);
    if (urls) {
      for (const u of urls) {
        const url = trimTrailingPunctuation(u);
        found.push({ text: url, url: true });
        const other = authorityReadUpToSlash(url);
        if (other !== undefined) found.push({ text: other, url: true });
      }
      continue;
    }
    const word = raw.replace(FLAG_PREFIX, '').replace(/^["']|["']$/g, '');
    // Only an LLM setting's bare value is taken as a host; elsewhere a bare word must look like a domain.
    if (word !== '' && (llmSetting || word.includes('.'))) found.push({ text: word, url: false });
  }
  return found;
}

/**
 * Sentence punctuation after a URL (`see https://x.example/v1.`, `(https://x.example)`) is not part
 * of it; a closing bracket that closes one of the URL's own (an IPv6 literal) is.
 */
function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0) {
    const last = url[end - 1];
    const kept = url.slice(0, end);
    if (last === '.') end--;
    else if (last === ')' && count(kept, ')') > count(kept, '(')) end--;
    else if (last === ']' && count(kept, ']') > count(kept, '[')) end--;
    else break;
  }
  return url.slice(0, end);
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/**
 * The same URL as an RFC 3986 parser (Python's urllib and requests, Go's net/url, curl) reads it,
 * when that differs from the WHATWG reading: those end the authority at the first `/`, `?` or `#`
 * only, so in `https://eu.example\@api.openai.com/` everything before the `@` — backslash included
 * — is userinfo and the host is api.openai.com, while WHATWG reads the backslash as a path
 * separator. Returned with the backslashes percent-encoded, so endpointHost reads it that way too.
 */
function authorityReadUpToSlash(url: string): string | undefined {
  const start = url.indexOf('://') + 3;
  const rest = url.slice(start);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  if (!authority.includes('\\') || !authority.includes('@')) return undefined;
  return `${url.slice(0, start)}${authority.replaceAll('\\', '%5C')}${end === -1 ? '' : rest.slice(end)}`;
}
