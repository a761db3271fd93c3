import { domainToUnicode } from 'node:url';

/**
 * Where a URL or host really points: the host a client would connect to, read the way Node's own
 * WHATWG URL parser (and so undici) reads it. Residency decisions at admission and at run time
 * are made on this host, so tricks that change what a reader sees but not where a client
 * connects — userinfo (`https://eu.example@api.openai.com`), case, a trailing dot, percent-encoded
 * or full-width characters, IPv4 in decimal / hex / octal, IPv4-mapped IPv6, IDN — all resolve to
 * the same answer. Pure; Node built-ins only.
 */

export interface EndpointHost {
  /** Lowercase host: an ASCII (punycode) name without trailing dot, a dotted IPv4, or a bare IPv6. */
  host: string;
  /** Port, when one is written and it is not the scheme's default. */
  port?: number;
  /** Set when the host is an IP literal; an IPv4-mapped IPv6 address is reported as the IPv4 it maps. */
  ip?: 'v4' | 'v6';
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);
const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,62})$/;
const DOTTED_IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;
const VAR_REFERENCE = /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

/**
 * Expands Kubernetes `$(VAR)` references the way the kubelet does for env values, command and
 * args: a defined variable is replaced by its value, an undefined one stays as written, and `$$`
 * is an escaped `$`.
 */
export function expandVarReferences(
  text: string,
  env: Readonly<Record<string, string | undefined>> | ReadonlyMap<string, string>,
): string {
  if (!text.includes('$')) return text;
  return text.replace(VAR_REFERENCE, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    const value =
      env instanceof Map ? env.get(name) : (env as Readonly<Record<string, string | undefined>>)[name];
    return value === undefined ? match : value;
  });
}

/**
 * The host `text` (a URL, `//host`, or a bare `host[:port][/path]`) points at, or undefined when
 * it names no host a client could connect to. With `env`, `$(VAR)` references are expanded first.
 */
export function endpointHost(
  text: string,
  env?: Readonly<Record<string, string | undefined>>,
): EndpointHost | undefined {
  let value = (env ? expandVarReferences(text, env) : text).trim();
  if (value === '' || /\s/.test(value)) return undefined;
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // A path is not a host; the WHATWG parser would otherwise read its first segment as one.
    if (value.startsWith('/') && !value.startsWith('//')) return undefined;
    value = value.startsWith('//') ? `http:${value}` : `http://${value}`;
  } else if (!SPECIAL_SCHEMES.has(scheme)) {
    // Non-special schemes get an opaque host with no IPv4 or IDN normalisation; read the
    // authority as a client that connects to it would.
    value = `http${value.slice(scheme.length)}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const port = url.port === '' ? undefined : Number(url.port);
  const withPort = (found: EndpointHost): EndpointHost => (port === undefined ? found : { ...found, port });
  const hostname = url.hostname;
  if (hostname.startsWith('[')) {
    const v6 = hostname.slice(1, -1);
    const mapped = IPV4_MAPPED.exec(v6);
    if (mapped) return withPort({ host: mappedIPv4(mapped[1]!, mapped[2]!), ip: 'v4' });
    return withPort({ host: v6, ip: 'v6' });
  }
  if (DOTTED_IPV4.test(hostname)) return withPort({ host: hostname, ip: 'v4' });
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name.length === 0 || name.length > 253) return undefined;
  if (!name.split('.').every(validLabel)) return undefined;
  return withPort({ host: name });
}

/** A DNS label; an IDN (`xn--`) label must decode, which Node 24's parser no longer checks. */
function validLabel(label: string): boolean {
  if (!LABEL.test(label)) return false;
  if (!label.startsWith('xn--')) return true;
  const decoded = domainToUnicode(label);
  return decoded !== '' && decoded !== label;
}

function mappedIPv4(high: string, low: string): string {
  const h = Number.parseInt(high, 16);
  const l = Number.parseInt(low, 16);
  return `${h >> 8}.${h & 0xff}.${l >> 8}.${l & 0xff}`;
}
