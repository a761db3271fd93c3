import { isClusterInternal } from './cluster-internal-host.js';
import { endpointHost } from './endpoint-host.js';
import { builtInPlace, type Place } from './provider-endpoints.js';

/**
 * Where an endpoint serves from: the built-in catalog of LLM provider endpoints
 * (provider-endpoints.ts: fixed hosts, global hosts, the host forms that carry a region), then the
 * additions of residency policies (ARCHITECTURE.md, "Data residency"). Shared by the admission
 * webhook, the audit and the sidecar, so all three place an endpoint the same way. Pure.
 *
 * The built-in catalog wins over additions: a policy may place hosts the catalog cannot (an Azure
 * OpenAI resource, a private gateway), not move `api.openai.com` to Europe.
 */

export { BUILT_IN_ENDPOINTS, GLOBAL_REGION } from './provider-endpoints.js';

export interface EndpointPlacement {
  /** The host the endpoint connects to (see endpointHost), or the text itself when it names none. */
  host: string;
  region?: string;
  jurisdiction?: string;
  /** Cluster-internal (not egress): always allowed by residency. */
  internal: boolean;
}

export interface CatalogAddition {
  /** Host name, or `*.suffix` for every subdomain of suffix. */
  host: string;
  region: string;
  jurisdiction: string;
}

/** Where `hostOrUrl` serves from: built-in catalog first, then the additions. */
export function placeEndpoint(
  hostOrUrl: string,
  additions: readonly CatalogAddition[] = [],
): EndpointPlacement {
  const endpoint = endpointHost(hostOrUrl);
  if (!endpoint) return { host: hostOrUrl.trim(), internal: false };
  const internal = isClusterInternal(endpoint);
  const place = internal ? undefined : builtInPlace(endpoint.host);
  const found = place ?? addedPlace(endpoint.host, additions);
  if (!found) return { host: endpoint.host, internal };
  return found.jurisdiction === undefined
    ? { host: endpoint.host, region: found.region, internal }
    : { host: endpoint.host, region: found.region, jurisdiction: found.jurisdiction, internal };
}

/** An exact addition wins over a wildcard; among wildcards the longest suffix wins. */
function addedPlace(host: string, additions: readonly CatalogAddition[]): Place | undefined {
  let best: { place: Place; specificity: number } | undefined;
  for (const addition of additions) {
    const pattern = addition.host.trim().toLowerCase().replace(/\.$/, '');
    const place = { region: addition.region, jurisdiction: addition.jurisdiction };
    if (pattern === host) return place;
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      if (host.endsWith(suffix) && host.length > suffix.length && suffix.length > (best?.specificity ?? 0)) {
        best = { place, specificity: suffix.length };
      }
    }
  }
  return best?.place;
}
