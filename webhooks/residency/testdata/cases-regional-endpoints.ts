// Residency rows, part 5: the regional endpoints the big providers publish, under the EU-only
// Enforce policy — each EU form admitted, a non-EU one of the same provider refused, a global
// endpoint (the provider picks the region) refused naming region global, and an Azure resource
// whose host names no region refused as unknown in an LLM setting.
import { IN_EU_NAMESPACE } from './cases-workload-kinds.js';
import { agentEnv, type ResidencyCase, workload } from './residency-case.js';

const base = { ...IN_EU_NAMESPACE, policies: [...IN_EU_NAMESPACE.policies] };

const row = (
  name: string,
  env: Record<string, string>,
  expect: ResidencyCase['expect'],
  mentions?: string[],
): ResidencyCase => ({
  ...base,
  name,
  kind: 'Deployment',
  object: workload('Deployment', 'regional', agentEnv(env)),
  expect,
  ...(mentions ? { mentions } : {}),
});

export const REGIONAL_ENDPOINT_CASES: ResidencyCase[] = [
  row(
    "Vertex AI's EU multi-region endpoint is in the EU",
    { GOOGLE_VERTEX_BASE_URL: 'https://aiplatform.eu.rep.googleapis.com/v1' },
    'allowed',
  ),
  row(
    "Vertex AI's regional endpoint (rep) in europe-west4 is in the EU",
    { GOOGLE_VERTEX_BASE_URL: 'https://aiplatform.europe-west4.rep.googleapis.com' },
    'allowed',
  ),
  row(
    "Vertex AI's global endpoint may process anywhere: refused naming region global",
    { GOOGLE_VERTEX_BASE_URL: 'https://aiplatform.googleapis.com/v1' },
    'denied',
    [
      'env GOOGLE_VERTEX_BASE_URL: https://aiplatform.googleapis.com/v1 → aiplatform.googleapis.com, region global (the provider picks the region)',
    ],
  ),
  row(
    "Azure's regional host in swedencentral is in the EU",
    { AZURE_OPENAI_ENDPOINT: 'https://swedencentral.api.cognitive.microsoft.com/' },
    'allowed',
  ),
  row(
    "Azure's regional host in eastus is not",
    { AZURE_OPENAI_ENDPOINT: 'https://eastus.api.cognitive.microsoft.com/' },
    'denied',
    ['eastus.api.cognitive.microsoft.com, region eastus (US)'],
  ),
  row(
    'an Azure AI Foundry serverless deployment in swedencentral is in the EU',
    { AZURE_INFERENCE_ENDPOINT: 'https://Mistral-large-abc.swedencentral.models.ai.azure.com' },
    'allowed',
  ),
  row(
    'an Azure AI Foundry resource names no region: unknown, refused in an LLM setting',
    { AZURE_INFERENCE_ENDPOINT: 'https://contoso.services.ai.azure.com/models' },
    'denied',
    ['contoso.services.ai.azure.com, region unknown', "policy's spec.endpoints"],
  ),
  row(
    'Bedrock through an interface VPC endpoint in eu-central-1 is in the EU',
    {
      BEDROCK_ENDPOINT:
        'https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.bedrock-runtime.eu-central-1.vpce.amazonaws.com',
    },
    'allowed',
  ),
  row(
    'Bedrock through a VPC endpoint in us-east-1 is not',
    {
      BEDROCK_ENDPOINT:
        'https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.bedrock-runtime.us-east-1.vpce.amazonaws.com',
    },
    'denied',
    ['region us-east-1 (US)'],
  ),
  row(
    "Bedrock's dual-stack and OpenAI-compatible (mantle) hosts in the EU",
    {
      BEDROCK_ENDPOINT: 'https://bedrock-runtime.eu-west-1.api.aws',
      OPENAI_BASE_URL: 'https://bedrock-mantle.eu-central-1.api.aws/v1',
    },
    'allowed',
  ),
  row(
    'Bedrock FIPS in us-east-1 is US',
    { BEDROCK_ENDPOINT: 'https://bedrock-runtime-fips.us-east-1.amazonaws.com' },
    'denied',
    ['bedrock-runtime-fips.us-east-1.amazonaws.com, region us-east-1 (US)'],
  ),
  row(
    "Mistral's EU host and OpenAI's EU host",
    { MISTRAL_BASE_URL: 'https://api.eu.mistral.ai/v1', OPENAI_BASE_URL: 'https://eu.api.openai.com/v1' },
    'allowed',
  ),
  row("OpenAI's Japan host is not in the EU", { OPENAI_BASE_URL: 'https://jp.api.openai.com/v1' }, 'denied', [
    'jp.api.openai.com, region jp (JP)',
  ]),
  row(
    "xAI's eu-west-1 host is in the EU, its US host is not",
    { XAI_BASE_URL: 'https://eu-west-1.api.x.ai/v1', GROK_BASE_URL: 'https://us.api.x.ai/v1' },
    'denied',
    ['(1 endpoint)', 'env GROK_BASE_URL: https://us.api.x.ai/v1 → us.api.x.ai, region us (US)'],
  ),
];
