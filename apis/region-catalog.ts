import { AWS_REGIONS, GCP_REGIONS } from './cloud-regions.js';
import { isClusterInternal } from './cluster-internal-host.js';
import { endpointHost } from './endpoint-host.js';

/**
 * The built-in catalog of LLM provider endpoints and where they serve from, plus the additions of
 * residency policies (ARCHITECTURE.md, "Data residency"). Shared by the admission webhook, the audit
 * and the sidecar, so all three place an endpoint the same way. Pure.
 *
 * - Fixed hosts: a provider's global API (`api.openai.com` → `us` / US, `eu.api.openai.com` → `eu`
 *   / EU, `api.anthropic.com` → `us` / US, `api.mistral.ai` → `eu` / EU, …).
 * - Region in the host: AWS Bedrock (`bedrock-runtime.<region>.amazonaws.com`) and Vertex AI
 *   (`<region>-aiplatform.googleapis.com`) — the region is read from the host and its jurisdiction
 *   from the cloud's region table.
 * - Azure OpenAI (`<resource>.openai.azure.com`) has no region in its name: unknown unless a
 *   policy adds the resource's host.
 *
 * The built-in catalog wins over additions: a policy may place hosts the catalog cannot, not move
 * `api.openai.com` to Europe.
 */

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

interface Place {
  region: string;
  jurisdiction?: string;
}

export const BUILT_IN_ENDPOINTS: Readonly<Record<string, { region: string; jurisdiction: string }>> = {
  'api.openai.com': { region: 'us', jurisdiction: 'US' },
  'eu.api.openai.com': { region: 'eu', jurisdiction: 'EU' },
  'api.anthropic.com': { region: 'us', jurisdiction: 'US' },
  'api.mistral.ai': { region: 'eu', jurisdiction: 'EU' },
  'codestral.mistral.ai': { region: 'eu', jurisdiction: 'EU' },
  'api.cohere.com': { region: 'us', jurisdiction: 'US' },
  'api.cohere.ai': { region: 'us', jurisdiction: 'US' },
  'api.groq.com': { region: 'us', jurisdiction: 'US' },
  'api.together.xyz': { region: 'us', jurisdiction: 'US' },
  'api.fireworks.ai': { region: 'us', jurisdiction: 'US' },
  'api.x.ai': { region: 'us', jurisdiction: 'US' },
  'api.perplexity.ai': { region: 'us', jurisdiction: 'US' },
  'api.deepseek.com': { region: 'cn', jurisdiction: 'CN' },
};

const BEDROCK =
  /^bedrock(?:-runtime|-agent-runtime)?(?:-fips)?\.([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})\.amazonaws\.com$/;
const VERTEX = /^([a-z]+-[a-z]+\d{1,2})-aiplatform\.googleapis\.com$/;

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

function builtInPlace(host: string): Place | undefined {
  const fixed = BUILT_IN_ENDPOINTS[host];
  if (fixed) return fixed;
  const bedrock = BEDROCK.exec(host)?.[1];
  if (bedrock) return { region: bedrock, jurisdiction: AWS_REGIONS[bedrock] };
  const vertex = VERTEX.exec(host)?.[1];
  if (vertex) return { region: vertex, jurisdiction: GCP_REGIONS[vertex] };
  return undefined;
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
