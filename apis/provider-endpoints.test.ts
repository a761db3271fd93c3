import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AZURE_REGIONS } from './cloud-regions.js';
import { builtInPlace, CATALOG_JURISDICTIONS, CATALOG_REGIONS } from './provider-endpoints.js';
import { placeEndpoint } from './region-catalog.js';

/**
 * The forms of endpoint the providers publish for their model APIs, each with where it must be
 * placed: undefined for the forms that carry no region (a policy adds those hosts itself).
 */
const PUBLISHED: Array<[string, { region: string; jurisdiction?: string } | undefined]> = [
  // OpenAI: the global API and its data-residency hosts.
  ['https://api.openai.com/v1', { region: 'us', jurisdiction: 'US' }],
  ['https://us.api.openai.com/v1', { region: 'us', jurisdiction: 'US' }],
  ['https://eu.api.openai.com/v1', { region: 'eu', jurisdiction: 'EU' }],
  ['https://au.api.openai.com/v1', { region: 'au', jurisdiction: 'AU' }],
  ['https://in.api.openai.com/v1', { region: 'in', jurisdiction: 'IN' }],
  ['https://jp.api.openai.com/v1', { region: 'jp', jurisdiction: 'JP' }],
  ['https://ae.api.openai.com/v1', { region: 'ae', jurisdiction: 'AE' }],
  // Anthropic: one host (the processing region is a request parameter).
  ['https://api.anthropic.com/v1/messages', { region: 'us', jurisdiction: 'US' }],
  // Mistral: the API and its regional hosts.
  ['https://api.mistral.ai/v1', { region: 'eu', jurisdiction: 'EU' }],
  ['https://api.eu.mistral.ai/v1', { region: 'eu', jurisdiction: 'EU' }],
  ['https://api.us.mistral.ai/v1', { region: 'us', jurisdiction: 'US' }],
  ['https://codestral.mistral.ai/v1', { region: 'eu', jurisdiction: 'EU' }],
  // AWS Bedrock, every published form.
  ['https://bedrock-runtime.eu-central-1.amazonaws.com', { region: 'eu-central-1', jurisdiction: 'EU' }],
  ['https://bedrock-runtime-fips.us-east-1.amazonaws.com', { region: 'us-east-1', jurisdiction: 'US' }],
  ['https://bedrock.eu-west-1.amazonaws.com', { region: 'eu-west-1', jurisdiction: 'EU' }],
  ['https://bedrock-fips.us-gov-west-1.amazonaws.com', { region: 'us-gov-west-1', jurisdiction: 'US' }],
  ['https://bedrock-agent.eu-west-3.amazonaws.com', { region: 'eu-west-3', jurisdiction: 'EU' }],
  ['https://bedrock-agent-runtime.eu-north-1.amazonaws.com', { region: 'eu-north-1', jurisdiction: 'EU' }],
  [
    'https://bedrock-data-automation-runtime.eu-west-2.amazonaws.com',
    { region: 'eu-west-2', jurisdiction: 'GB' },
  ],
  ['https://bedrock-runtime.eu-central-1.api.aws', { region: 'eu-central-1', jurisdiction: 'EU' }],
  ['https://bedrock-mantle.eu-south-2.api.aws/v1', { region: 'eu-south-2', jurisdiction: 'EU' }],
  [
    'https://bedrock-runtime.eu-central-1.amazonaws.com/openai/v1',
    { region: 'eu-central-1', jurisdiction: 'EU' },
  ],
  [
    'https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.bedrock-runtime.eu-central-1.vpce.amazonaws.com',
    { region: 'eu-central-1', jurisdiction: 'EU' },
  ],
  [
    'https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh-eu-central-1a.bedrock-runtime.eu-central-1.vpce.amazonaws.com',
    { region: 'eu-central-1', jurisdiction: 'EU' },
  ],
  ['https://bedrock-runtime.ap-southeast-6.amazonaws.com', { region: 'ap-southeast-6', jurisdiction: 'NZ' }],
  ['https://runtime.sagemaker.eu-west-1.amazonaws.com', { region: 'eu-west-1', jurisdiction: 'EU' }],
  ['https://runtime-fips.sagemaker.us-east-2.amazonaws.com', { region: 'us-east-2', jurisdiction: 'US' }],
  ['https://aws-external-anthropic.us-west-2.api.aws/v1', { region: 'us-west-2', jurisdiction: 'US' }],
  // Google Vertex AI: regional, mTLS, regional endpoint (rep), multi-region, global; the Gemini API.
  ['https://europe-west4-aiplatform.googleapis.com', { region: 'europe-west4', jurisdiction: 'EU' }],
  ['https://europe-west6-aiplatform.googleapis.com', { region: 'europe-west6', jurisdiction: 'CH' }],
  ['https://europe-west1-aiplatform.mtls.googleapis.com', { region: 'europe-west1', jurisdiction: 'EU' }],
  ['https://aiplatform.europe-west4.rep.googleapis.com', { region: 'europe-west4', jurisdiction: 'EU' }],
  ['https://aiplatform.eu.rep.googleapis.com/v1', { region: 'eu', jurisdiction: 'EU' }],
  ['https://aiplatform.us.rep.googleapis.com/v1', { region: 'us', jurisdiction: 'US' }],
  ['https://aiplatform.googleapis.com/v1', { region: 'global' }],
  ['https://aiplatform.mtls.googleapis.com', { region: 'global' }],
  ['https://generativelanguage.googleapis.com/v1beta', { region: 'global' }],
  // Azure: the regional host and the deployments that name their region; resources that do not.
  [
    'https://swedencentral.api.cognitive.microsoft.com/openai',
    { region: 'swedencentral', jurisdiction: 'EU' },
  ],
  ['https://westeurope.api.cognitive.microsoft.com/', { region: 'westeurope', jurisdiction: 'EU' }],
  ['https://westus2.api.cognitive.microsoft.com/', { region: 'westus2', jurisdiction: 'US' }],
  [
    'https://Mistral-large-xyz.swedencentral.models.ai.azure.com/v1/chat/completions',
    { region: 'swedencentral', jurisdiction: 'EU' },
  ],
  [
    'https://scorer.germanywestcentral.inference.ml.azure.com/score',
    { region: 'germanywestcentral', jurisdiction: 'EU' },
  ],
  ['https://contoso.openai.azure.com/openai', undefined],
  ['https://contoso.cognitiveservices.azure.com', undefined],
  ['https://contoso.services.ai.azure.com/models', undefined],
  // xAI: the API, its US host and its regional hosts.
  ['https://api.x.ai/v1', { region: 'us', jurisdiction: 'US' }],
  ['https://us.api.x.ai/v1', { region: 'us', jurisdiction: 'US' }],
  ['https://eu-west-1.api.x.ai/v1', { region: 'eu-west-1', jurisdiction: 'EU' }],
  ['https://us-east-1.api.x.ai', { region: 'us-east-1', jurisdiction: 'US' }],
  // Hugging Face Inference Endpoints name their cloud and region.
  ['https://my-ep.eu-west-1.aws.endpoints.huggingface.cloud', { region: 'eu-west-1', jurisdiction: 'EU' }],
  [
    'https://my-ep.westeurope.azure.endpoints.huggingface.cloud',
    { region: 'westeurope', jurisdiction: 'EU' },
  ],
  ['https://my-ep.us-east4.gcp.endpoints.huggingface.cloud', { region: 'us-east4', jurisdiction: 'US' }],
];

/** Hosts that look like a published form but are not one: never placed. */
const NOT_PUBLISHED = [
  'https://aiplatform.eu.rep.googleapis.com.evil.example',
  'https://eu-aiplatform.googleapis.com',
  'https://bedrock-runtime.eu-central-1.vpce.amazonaws.com.example.net',
  'https://vpce-1.bedrock-runtime.eu-central-1.amazonaws.com.evil.example',
  'https://notaregion.api.cognitive.microsoft.com',
  'https://x.notaregion.models.ai.azure.com',
  'https://eu.api.x.ai',
  'https://mars-1.api.x.ai',
  'https://evil-aiplatform.googleapis.com.example',
  'https://api.eu.mistral.ai.example',
];

describe('the built-in catalog places every published regional form', () => {
  for (const [endpoint, expected] of PUBLISHED) {
    it(`${endpoint} → ${expected ? `${expected.region} (${expected.jurisdiction ?? 'no jurisdiction'})` : 'not placed'}`, () => {
      const placed = placeEndpoint(endpoint);
      assert.equal(placed.internal, false);
      assert.deepEqual(
        placed.region === undefined
          ? undefined
          : { region: placed.region, jurisdiction: placed.jurisdiction },
        expected === undefined ? undefined : { region: expected.region, jurisdiction: expected.jurisdiction },
      );
    });
  }
  for (const endpoint of NOT_PUBLISHED) {
    it(`does not place the look-alike ${endpoint}`, () => {
      assert.equal(placeEndpoint(endpoint).region, undefined);
    });
  }

  it('places an Azure regional host only in a region Azure has', () => {
    for (const region of Object.keys(AZURE_REGIONS)) {
      assert.equal(builtInPlace(`${region}.api.cognitive.microsoft.com`)?.region, region);
    }
  });

  it('knows every region and jurisdiction it places in, so a policy naming them is not Stalled', () => {
    for (const [endpoint, expected] of PUBLISHED) {
      if (!expected) continue;
      assert.ok(CATALOG_REGIONS.has(expected.region), `${endpoint}: region ${expected.region}`);
      if (expected.jurisdiction)
        assert.ok(CATALOG_JURISDICTIONS.has(expected.jurisdiction), `${endpoint}: ${expected.jurisdiction}`);
    }
  });
});
