import { serviceNamespaceOf } from './cluster-internal-host.js';
import { fileSettings, withoutCommentLines } from './config-file-settings.js';
import { endpointHost } from './endpoint-host.js';
import { type CatalogAddition, placeEndpoint } from './region-catalog.js';
import { type ServiceReference, serviceReferenceOf } from './service-aliases.js';

/**
 * What a value (an env value, an arg, a ConfigMap value, a file) names: the destinations in it, each
 * placed by the catalog — URLs anywhere in the text, bare hosts in an LLM-endpoint setting — read so
 * that tricks (userinfo, a backslash before `@`, sentence punctuation) land where a client would
 * connect. Cluster-internal hosts are named only when they could be a Service (which may stand for
 * an external host: service-aliases.ts); pod-destinations.ts decides per pod what they are. Memoised
 * per value for a caller that judges the same values again and again (the admission webhook). Pure.
 */

/**
 * What each value (and setting name) was found to name, kept across calls by a caller that judges
 * the same values again and again — the admission webhook sees one pod template as a Deployment,
 * a ReplicaSet and each Pod. Bound to one list of catalog additions (placement depends on it);
 * bounded (values over 1 KiB are not kept; mounted files up to 4 MiB in all), the oldest entry goes
 * first.
 */
export interface DestinationMemo {
  readonly additions: readonly CatalogAddition[];
  /** By value, for values of LLM-endpoint settings and for the others. */
  readonly named: {
    llm: Map<string, readonly NamedDestination[]>;
    other: Map<string, readonly NamedDestination[]>;
  };
  readonly settings: Map<string, boolean>;
  /** By content: what a mounted file names (a ConfigMap's value, the same string review after review). */
  readonly files: Map<string, FileDestinations>;
  /** Characters of the files kept. */
  fileChars: number;
  readonly maxEntries: number;
}

/** What a configuration file names: in its LLM-endpoint settings, and anywhere else in it. */
export interface FileDestinations {
  settings: ReadonlyArray<{ key: string; named: readonly NamedDestination[] }>;
  other: readonly NamedDestination[];
}

/** Characters of mounted files a memo keeps at most (the oldest go first). */
const MEMO_MAX_FILE_CHARS = 4 * 1024 * 1024;

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
  /** The Service the host would name through the pod's cluster DNS (it may stand for an external host). */
  service?: ServiceReference;
  /**
   * A destination only if that Service stands for an external host: the host is cluster-internal, or
   * a bare word outside an LLM setting that the catalog does not place.
   */
  aliasOnly?: true;
}

export function destinationMemo(additions: readonly CatalogAddition[], maxEntries = 20_000): DestinationMemo {
  return {
    additions,
    named: { llm: new Map(), other: new Map() },
    settings: new Map(),
    files: new Map(),
    fileChars: 0,
    maxEntries,
  };
}

const LLM_SETTING = /(^|_)(BASE_URL|ENDPOINT|ENDPOINT_URL|API_BASE)$/;
const NONE: readonly NamedDestination[] = Object.freeze([]);
/** Longer values are not kept in a memo (an object may be megabytes; the memo stays small). */
const MEMO_MAX_TEXT = 1024;
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>,;]+/gi;
const FLAG_PREFIX = /^-{1,2}[A-Za-z0-9_.-]+=/;

/**
 * Whether a setting name (env var, ConfigMap key, a key in a configuration file) configures an LLM
 * endpoint: `OPENAI_BASE_URL`, `base_url`, `baseURL`, `api_base`, `azure_endpoint`, `endpoint_url`,
 * `spring.ai.openai.base-url` — case, camelCase, `-` and `.` aside.
 */
export function isLlmEndpointSetting(name: string): boolean {
  return LLM_SETTING.test(
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toUpperCase()
      .replace(/[-.]/g, '_'),
  );
}

export function llmEndpointSetting(name: string, memo: DestinationMemo | undefined): boolean {
  if (!memo) return isLlmEndpointSetting(name);
  let llm = memo.settings.get(name);
  if (llm === undefined) {
    llm = isLlmEndpointSetting(name);
    remember(memo.settings, name, llm, memo.maxEntries);
  }
  return llm;
}

/** What `text` names (see nameDestinations), from the memo when it has it. */
export function namedDestinations(
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

/**
 * What a configuration file names (config-file-settings.ts): the values of its LLM-endpoint
 * settings, each named as such a setting, and the rest of it without its comment lines, from the
 * memo when it has it.
 */
export function fileDestinations(
  content: string,
  additions: readonly CatalogAddition[],
  memo: DestinationMemo | undefined,
): FileDestinations {
  const known = memo?.files.get(content);
  if (known) return known;
  const settings: Array<{ key: string; named: readonly NamedDestination[] }> = [];
  for (const setting of fileSettings(content)) {
    if (!llmEndpointSetting(setting.key, memo)) continue;
    const named = nameDestinations(setting.value, true, additions);
    if (named.length > 0) settings.push({ key: setting.key, named });
  }
  const found: FileDestinations = {
    settings,
    other: nameDestinations(withoutCommentLines(content), false, additions),
  };
  if (memo && content.length <= MEMO_MAX_FILE_CHARS) {
    while (memo.fileChars + content.length > MEMO_MAX_FILE_CHARS || memo.files.size >= memo.maxEntries) {
      const oldest = memo.files.keys().next();
      if (oldest.done) break;
      memo.files.delete(oldest.value);
      memo.fileChars -= oldest.value.length;
    }
    memo.files.set(content, found);
    memo.fileChars += content.length;
  }
  return found;
}

function remember<T>(map: Map<string, T>, key: string, value: T, maxEntries: number): void {
  if (map.size >= maxEntries) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/**
 * The destinations `text` names: egress hosts, and the cluster-internal hosts and bare words that
 * could name a Service (aliasOnly); outside LLM settings, other unplaced bare words are left out.
 */
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
    const service = placement.region === undefined ? serviceReferenceOf(endpoint) : undefined;
    // Outside LLM settings only URLs (scheme://) count; a bare word is rarely a host.
    const unjudged = placement.internal || (!llmSetting && !candidate.url && placement.region === undefined);
    if (unjudged && !service) continue;
    // A catalog-placed host is judged even when its last label is a namespace's name.
    const serviceNamespace = placement.region === undefined ? serviceNamespaceOf(endpoint) : undefined;
    named.push({
      text: candidate.text,
      host: placement.host,
      ...(placement.region !== undefined ? { region: placement.region } : {}),
      ...(placement.jurisdiction !== undefined ? { jurisdiction: placement.jurisdiction } : {}),
      ...(serviceNamespace !== undefined ? { serviceNamespace } : {}),
      ...(service !== undefined ? { service } : {}),
      ...(unjudged ? { aliasOnly: true as const } : {}),
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
