import { type EndpointHost, endpointHost } from './endpoint-host.js';
import { type CatalogAddition, placeEndpoint } from './region-catalog.js';

/**
 * Services that stand for a host outside the cluster. A Service is not always in the cluster: one
 * of `type: ExternalName` is a DNS alias (`llm-proxy.agents.svc` → `api.openai.com`), and one
 * without a selector sends its traffic to whatever addresses its EndpointSlices (or Endpoints) list.
 * A pod that calls `http://llm-proxy.agents.svc` sends its data where the Service points, so
 * residency judges that host, not the Service's name (ARCHITECTURE.md, "Data residency"). The
 * caller gives what it knows of the cluster's Services (ServiceLookup); this file resolves a host
 * through them. Pure.
 */

/** What residency needs to know of a Service: where it points outside the cluster, if anywhere. */
export interface ServiceAlias {
  /** `spec.externalName` of a Service of type ExternalName. */
  externalName?: string;
  /** The addresses (IPs, or host names of FQDN slices) of the EndpointSlices of a Service without a selector. */
  addresses?: readonly string[];
}

/** The alias of Service `name` in `namespace`; undefined for a Service that is no alias, or none. */
export type ServiceLookup = (namespace: string, name: string) => ServiceAlias | undefined;

/** A Service a host names; no namespace: the pod's own (a short name, resolved by its search path). */
export interface ServiceReference {
  name: string;
  namespace?: string;
}

/** One place outside the cluster a Service sends traffic to. */
export interface AliasTarget {
  /** What is judged in place of the endpoint: the external name or address (IPv6 in brackets). */
  text: string;
  host: string;
  region?: string;
  jurisdiction?: string;
  /** `Service agents/llm-proxy`, and `→ Service shared/llm` for each ExternalName naming another Service. */
  via: string;
}

export interface AliasContext {
  services: ServiceLookup;
  /** The namespace of the pod (its short names name Services there). */
  namespace?: string;
  additions?: readonly CatalogAddition[];
  /** Whether a namespace exists: an ExternalName `<service>.<namespace>` of one names a Service there. */
  isClusterNamespace?: (name: string) => boolean;
}

const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** ExternalNames naming further Services followed at most this deep (a loop ends there too). */
const MAX_HOPS = 5;

/**
 * The Service `endpoint` names through the pod's cluster DNS, when it has one of the forms: `name`
 * (the pod's namespace), `name.namespace`, `name.namespace.svc`, `name.namespace.svc.cluster.local`.
 */
export function serviceReferenceOf(endpoint: EndpointHost): ServiceReference | undefined {
  if (endpoint.ip !== undefined) return undefined;
  const labels = endpoint.host.split('.');
  const [name, namespace] = labels as [string, string | undefined];
  const isService =
    labels.length === 1 ||
    labels.length === 2 ||
    (labels.length === 3 && labels[2] === 'svc') ||
    (labels.length === 5 && labels[2] === 'svc' && labels[3] === 'cluster' && labels[4] === 'local');
  if (!isService || name === 'localhost' || !SERVICE_NAME.test(name)) return undefined;
  if (namespace === undefined) return { name };
  return NAMESPACE_NAME.test(namespace) ? { name, namespace } : undefined;
}

/**
 * Where the Service `reference` names sends traffic outside the cluster: undefined when no Service
 * the lookup knows is an alias (an ordinary Service: its pods are in the cluster); otherwise every
 * target outside the cluster — none when its addresses are all in the cluster. An ExternalName that
 * names another Service is followed to it.
 */
export function aliasTargets(reference: ServiceReference, context: AliasContext): AliasTarget[] | undefined {
  const namespace = reference.namespace ?? context.namespace;
  if (namespace === undefined) return undefined;
  const alias = context.services(namespace, reference.name);
  if (!isAlias(alias)) return undefined;
  const targets: AliasTarget[] = [];
  const seen = new Set<string>([`${namespace}/${reference.name}`]);
  const follow = (current: ServiceAlias, via: string, depth: number) => {
    const external = current.externalName !== undefined;
    for (const raw of external ? [current.externalName as string] : (current.addresses ?? [])) {
      const text = raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw;
      const endpoint = endpointHost(text);
      if (!endpoint) continue;
      const next = external ? serviceReferenceOf(endpoint) : undefined;
      if (next) {
        const nextNamespace = next.namespace ?? context.namespace;
        const key = `${nextNamespace}/${next.name}`;
        const nextAlias =
          nextNamespace === undefined ? undefined : context.services(nextNamespace, next.name);
        if (isAlias(nextAlias)) {
          if (depth < MAX_HOPS && !seen.has(key)) {
            seen.add(key);
            follow(nextAlias, `${via} → Service ${key}`, depth + 1);
          }
          continue;
        }
      }
      const placement = placeEndpoint(text, context.additions ?? []);
      if (placement.internal) continue;
      // `<service>.<namespace>` of an existing namespace: an ordinary Service, in the cluster.
      if (
        placement.region === undefined &&
        next?.namespace !== undefined &&
        context.isClusterNamespace?.(next.namespace)
      )
        continue;
      targets.push({
        text,
        host: placement.host,
        ...(placement.region !== undefined ? { region: placement.region } : {}),
        ...(placement.jurisdiction !== undefined ? { jurisdiction: placement.jurisdiction } : {}),
        via,
      });
    }
  };
  follow(alias, `Service ${namespace}/${reference.name}`, 1);
  return targets;
}

function isAlias(alias: ServiceAlias | undefined): alias is ServiceAlias {
  return alias !== undefined && (alias.externalName !== undefined || (alias.addresses?.length ?? 0) > 0);
}
