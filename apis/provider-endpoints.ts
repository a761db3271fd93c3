import { AWS_REGIONS, AZURE_REGIONS, GCP_REGIONS } from './cloud-regions.js';

/**
 * The built-in catalog: every form of endpoint the providers publish for their model APIs, and
 * where each serves from (ARCHITECTURE.md, "Data residency"). Read by placeEndpoint
 * (region-catalog.ts), so the admission webhook, the audit and the sidecar place an endpoint the
 * same way. Pure.
 *
 * - Fixed hosts: a provider's API and its published regional hosts (`api.openai.com` → `us` / US,
 *   `eu.api.openai.com` → `eu` / EU, `api.eu.mistral.ai` → `eu` / EU, Vertex AI's multi-region
 *   `aiplatform.eu.rep.googleapis.com` → `eu` / EU, …).
 * - Global hosts: endpoints whose provider picks the region per request (Vertex AI's global
 *   endpoint, the Gemini API) are placed in region `global`, with no jurisdiction: a policy allows
 *   them only by listing `global` in allowedRegions.
 * - A region in the host: AWS Bedrock in all its forms (`bedrock-runtime.<region>.amazonaws.com`,
 *   `-fips`, the dual-stack `.api.aws`, `bedrock-mantle`, VPC endpoints
 *   `vpce-….bedrock-runtime.<region>.vpce.amazonaws.com`), SageMaker runtime, Claude on AWS; Vertex
 *   AI (`<region>-aiplatform.googleapis.com`, its mTLS form, `aiplatform.<region>.rep.googleapis.com`);
 *   Azure's regional hosts (`<region>.api.cognitive.microsoft.com`, serverless models
 *   `<name>.<region>.models.ai.azure.com`, online endpoints `<name>.<region>.inference.ml.azure.com`);
 *   xAI's `<region>.api.x.ai`; Hugging Face Inference Endpoints. The region is read from the host
 *   and its jurisdiction from the cloud's region table; a region-shaped AWS or Google label the
 *   table does not know yet is still placed, without a jurisdiction (it is then allowed only by
 *   name). Azure and xAI labels must be regions the table knows.
 * - Hosts that name a resource but no region — Azure OpenAI `<resource>.openai.azure.com`,
 *   `<resource>.cognitiveservices.azure.com`, AI Foundry `<resource>.services.ai.azure.com` — are
 *   not placed: the resource's region is chosen when it is created and is not in its name. A policy
 *   adds such a host with its region under spec.endpoints.
 */

export interface Place {
  region: string;
  jurisdiction?: string;
}

/** The region of endpoints whose provider chooses where each request is processed. */
export const GLOBAL_REGION = 'global';

export const BUILT_IN_ENDPOINTS: Readonly<Record<string, { region: string; jurisdiction: string }>> = {
  'api.openai.com': { region: 'us', jurisdiction: 'US' },
  'us.api.openai.com': { region: 'us', jurisdiction: 'US' },
  'eu.api.openai.com': { region: 'eu', jurisdiction: 'EU' },
  'au.api.openai.com': { region: 'au', jurisdiction: 'AU' },
  'in.api.openai.com': { region: 'in', jurisdiction: 'IN' },
  'jp.api.openai.com': { region: 'jp', jurisdiction: 'JP' },
  'ae.api.openai.com': { region: 'ae', jurisdiction: 'AE' },
  'api.anthropic.com': { region: 'us', jurisdiction: 'US' },
  'api.mistral.ai': { region: 'eu', jurisdiction: 'EU' },
  'api.eu.mistral.ai': { region: 'eu', jurisdiction: 'EU' },
  'api.us.mistral.ai': { region: 'us', jurisdiction: 'US' },
  'codestral.mistral.ai': { region: 'eu', jurisdiction: 'EU' },
  'aiplatform.eu.rep.googleapis.com': { region: 'eu', jurisdiction: 'EU' },
  'aiplatform.us.rep.googleapis.com': { region: 'us', jurisdiction: 'US' },
  'api.cohere.com': { region: 'us', jurisdiction: 'US' },
  'api.cohere.ai': { region: 'us', jurisdiction: 'US' },
  'api.groq.com': { region: 'us', jurisdiction: 'US' },
  'api.together.xyz': { region: 'us', jurisdiction: 'US' },
  'api.fireworks.ai': { region: 'us', jurisdiction: 'US' },
  'api.x.ai': { region: 'us', jurisdiction: 'US' },
  'us.api.x.ai': { region: 'us', jurisdiction: 'US' },
  'api.perplexity.ai': { region: 'us', jurisdiction: 'US' },
  'api.deepseek.com': { region: 'cn', jurisdiction: 'CN' },
};

/** Hosts placed in GLOBAL_REGION: the provider may process a request in any of its regions. */
export const GLOBAL_ENDPOINTS: ReadonlySet<string> = new Set([
  'aiplatform.googleapis.com',
  'aiplatform.mtls.googleapis.com',
  'generativelanguage.googleapis.com',
]);

const AWS_REGION = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}';
const GCP_REGION = '[a-z]+-[a-z]+\\d{1,2}';
const AZURE_REGION = '[a-z]+\\d?';

/** Each host form with the region in it: which group is the region, and whose region table names it. */
const REGIONAL_FORMS: ReadonlyArray<{
  pattern: RegExp;
  regions: Readonly<Record<string, string>>;
  /** Whether a region the table does not know is still placed (region-shaped ids of AWS and Google). */
  anyRegion: boolean;
}> = [
  // Bedrock: bedrock, bedrock-runtime, bedrock-agent(-runtime), bedrock-mantle, …, each -fips too;
  // IPv4 (amazonaws.com) and dual-stack (api.aws) hosts.
  {
    pattern: new RegExp(`^bedrock(?:-[a-z]+)*\\.(${AWS_REGION})\\.(?:amazonaws\\.com|api\\.aws)$`),
    regions: AWS_REGIONS,
    anyRegion: true,
  },
  // Bedrock through an interface VPC endpoint (also its per-zone names).
  {
    pattern: new RegExp(`^vpce-[a-z0-9-]+\\.bedrock(?:-[a-z]+)*\\.(${AWS_REGION})\\.vpce\\.amazonaws\\.com$`),
    regions: AWS_REGIONS,
    anyRegion: true,
  },
  // SageMaker real-time inference (runtime, runtime-fips), also through a VPC endpoint.
  {
    pattern: new RegExp(
      `^(?:vpce-[a-z0-9-]+\\.)?runtime(?:-fips)?\\.sagemaker\\.(${AWS_REGION})\\.(?:amazonaws\\.com|vpce\\.amazonaws\\.com)$`,
    ),
    regions: AWS_REGIONS,
    anyRegion: true,
  },
  // Claude Platform on AWS.
  {
    pattern: new RegExp(`^aws-external-anthropic\\.(${AWS_REGION})\\.api\\.aws$`),
    regions: AWS_REGIONS,
    anyRegion: true,
  },
  // Vertex AI: <region>-aiplatform.googleapis.com, its mTLS host, and the regional endpoint (rep).
  {
    pattern: new RegExp(`^(${GCP_REGION})-aiplatform(?:\\.mtls)?\\.googleapis\\.com$`),
    regions: GCP_REGIONS,
    anyRegion: true,
  },
  {
    pattern: new RegExp(`^aiplatform\\.(${GCP_REGION})\\.rep\\.googleapis\\.com$`),
    regions: GCP_REGIONS,
    anyRegion: true,
  },
  // Azure AI services' regional host, serverless model deployments, managed online endpoints.
  {
    pattern: new RegExp(`^(${AZURE_REGION})\\.api\\.cognitive\\.microsoft\\.com$`),
    regions: AZURE_REGIONS,
    anyRegion: false,
  },
  {
    pattern: new RegExp(`^[a-z0-9-]+\\.(${AZURE_REGION})\\.(?:models\\.ai|inference\\.ml)\\.azure\\.com$`),
    regions: AZURE_REGIONS,
    anyRegion: false,
  },
  // xAI's regional endpoints, named as AWS names its regions (eu-west-1.api.x.ai).
  {
    pattern: new RegExp(`^(${AWS_REGION})\\.api\\.x\\.ai$`),
    regions: AWS_REGIONS,
    anyRegion: false,
  },
  // Hugging Face Inference Endpoints: <name>.<region>.<cloud>.endpoints.huggingface.cloud.
  {
    pattern: new RegExp(`^[a-z0-9-]+\\.(${AWS_REGION})\\.aws\\.endpoints\\.huggingface\\.cloud$`),
    regions: AWS_REGIONS,
    anyRegion: false,
  },
  {
    pattern: new RegExp(`^[a-z0-9-]+\\.(${AZURE_REGION})\\.azure\\.endpoints\\.huggingface\\.cloud$`),
    regions: AZURE_REGIONS,
    anyRegion: false,
  },
  {
    pattern: new RegExp(`^[a-z0-9-]+\\.(${GCP_REGION})\\.gcp\\.endpoints\\.huggingface\\.cloud$`),
    regions: GCP_REGIONS,
    anyRegion: false,
  },
];

/** Where the built-in catalog places `host` (endpointHost's: lowercase, no trailing dot), if it can. */
export function builtInPlace(host: string): Place | undefined {
  const fixed = BUILT_IN_ENDPOINTS[host];
  if (fixed) return fixed;
  if (GLOBAL_ENDPOINTS.has(host)) return { region: GLOBAL_REGION };
  for (const form of REGIONAL_FORMS) {
    const region = form.pattern.exec(host)?.[1];
    if (region === undefined) continue;
    const jurisdiction = form.regions[region];
    if (jurisdiction !== undefined) return { region, jurisdiction };
    if (form.anyRegion) return { region };
  }
  return undefined;
}

/** Every region an endpoint of the built-in catalog can be placed in (what a policy may name). */
export const CATALOG_REGIONS: ReadonlySet<string> = new Set([
  ...Object.values(BUILT_IN_ENDPOINTS).map((e) => e.region),
  GLOBAL_REGION,
  ...[AWS_REGIONS, GCP_REGIONS, AZURE_REGIONS].flatMap((regions) => Object.keys(regions)),
]);

/** Every jurisdiction an endpoint of the built-in catalog can be placed in. */
export const CATALOG_JURISDICTIONS: ReadonlySet<string> = new Set([
  ...Object.values(BUILT_IN_ENDPOINTS).map((e) => e.jurisdiction),
  ...[AWS_REGIONS, GCP_REGIONS, AZURE_REGIONS].flatMap((regions) => Object.values(regions)),
]);
