import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CatalogAddition, type EndpointPlacement, placeEndpoint } from './region-catalog.js';

describe('placeEndpoint', () => {
  const cases: [string, EndpointPlacement][] = [
    [
      'https://api.openai.com/v1',
      { host: 'api.openai.com', region: 'us', jurisdiction: 'US', internal: false },
    ],
    [
      'https://eu.api.openai.com/v1',
      { host: 'eu.api.openai.com', region: 'eu', jurisdiction: 'EU', internal: false },
    ],
    [
      'https://eu.example@api.openai.com',
      { host: 'api.openai.com', region: 'us', jurisdiction: 'US', internal: false },
    ],
    [
      'HTTPS://EU.API.OPENAI.COM./v1',
      { host: 'eu.api.openai.com', region: 'eu', jurisdiction: 'EU', internal: false },
    ],
    ['api.anthropic.com', { host: 'api.anthropic.com', region: 'us', jurisdiction: 'US', internal: false }],
    [
      'https://api.mistral.ai/v1',
      { host: 'api.mistral.ai', region: 'eu', jurisdiction: 'EU', internal: false },
    ],
    [
      'https://bedrock-runtime.eu-central-1.amazonaws.com',
      {
        host: 'bedrock-runtime.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        jurisdiction: 'EU',
        internal: false,
      },
    ],
    [
      'https://bedrock-runtime.eu-central-2.amazonaws.com',
      {
        host: 'bedrock-runtime.eu-central-2.amazonaws.com',
        region: 'eu-central-2',
        jurisdiction: 'CH',
        internal: false,
      },
    ],
    [
      'https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com',
      {
        host: 'bedrock-runtime-fips.us-gov-west-1.amazonaws.com',
        region: 'us-gov-west-1',
        jurisdiction: 'US',
        internal: false,
      },
    ],
    // a region the table does not know yet: placed, without a jurisdiction
    [
      'https://bedrock-runtime.xx-north-9.amazonaws.com',
      { host: 'bedrock-runtime.xx-north-9.amazonaws.com', region: 'xx-north-9', internal: false },
    ],
    [
      'https://europe-west6-aiplatform.googleapis.com/v1',
      {
        host: 'europe-west6-aiplatform.googleapis.com',
        region: 'europe-west6',
        jurisdiction: 'CH',
        internal: false,
      },
    ],
    [
      'https://us-central1-aiplatform.googleapis.com',
      {
        host: 'us-central1-aiplatform.googleapis.com',
        region: 'us-central1',
        jurisdiction: 'US',
        internal: false,
      },
    ],
    // look-alikes are not the provider
    ['https://api.openai.com.evil.example', { host: 'api.openai.com.evil.example', internal: false }],
    ['https://eu.api.openai.com-proxy.example', { host: 'eu.api.openai.com-proxy.example', internal: false }],
    [
      'https://bedrock-runtime.eu-central-1.amazonaws.com.evil.example',
      { host: 'bedrock-runtime.eu-central-1.amazonaws.com.evil.example', internal: false },
    ],
    // Azure OpenAI resources carry no region in their name
    ['https://contoso.openai.azure.com', { host: 'contoso.openai.azure.com', internal: false }],
    // cluster-internal hosts are not egress
    [
      'http://llm-gateway.ai.svc.cluster.local:8080',
      { host: 'llm-gateway.ai.svc.cluster.local', internal: true },
    ],
    ['http://llm-gateway.ai.svc', { host: 'llm-gateway.ai.svc', internal: true }],
    ['http://ollama:11434', { host: 'ollama', internal: true }],
    ['http://localhost:4000', { host: 'localhost', internal: true }],
    ['http://127.0.0.1:4000', { host: '127.0.0.1', internal: true }],
    ['http://2130706433', { host: '127.0.0.1', internal: true }],
    ['http://10.20.30.40', { host: '10.20.30.40', internal: true }],
    ['http://172.31.255.1', { host: '172.31.255.1', internal: true }],
    ['http://172.32.0.1', { host: '172.32.0.1', internal: false }],
    ['http://192.168.1.10', { host: '192.168.1.10', internal: true }],
    ['http://100.64.0.5', { host: '100.64.0.5', internal: true }],
    ['http://[::ffff:10.0.0.1]', { host: '10.0.0.1', internal: true }],
    ['http://[::1]:8080', { host: '::1', internal: true }],
    ['http://[fd00::1]', { host: 'fd00::1', internal: true }],
    ['http://[2001:db8::1]:8443', { host: '2001:db8::1', internal: false }],
    ['http://8.8.8.8', { host: '8.8.8.8', internal: false }],
    ['http://metadata.google.internal', { host: 'metadata.google.internal', internal: true }],
    // not a host at all
    ['not a url', { host: 'not a url', internal: false }],
  ];
  for (const [text, expected] of cases) {
    it(`places ${text}`, () => assert.deepEqual(placeEndpoint(text), expected));
  }

  const additions: CatalogAddition[] = [
    { host: 'llm.eu.example.com', region: 'eu-west-1', jurisdiction: 'EU' },
    { host: '*.example.com', region: 'us-east-1', jurisdiction: 'US' },
    { host: '*.ch.example.com', region: 'europe-west6', jurisdiction: 'CH' },
    { host: 'contoso-eu.openai.azure.com', region: 'swedencentral', jurisdiction: 'EU' },
    { host: 'api.openai.com', region: 'eu', jurisdiction: 'EU' },
    { host: 'gateway.ai.svc', region: 'eu-central-1', jurisdiction: 'EU' },
  ];
  const added: [string, Partial<EndpointPlacement>][] = [
    ['https://llm.eu.example.com/v1', { region: 'eu-west-1', jurisdiction: 'EU' }],
    ['https://LLM.EU.EXAMPLE.COM./v1', { region: 'eu-west-1', jurisdiction: 'EU' }],
    ['https://other.example.com', { region: 'us-east-1', jurisdiction: 'US' }],
    ['https://a.ch.example.com', { region: 'europe-west6', jurisdiction: 'CH' }],
    ['https://example.com', {}],
    ['https://contoso-eu.openai.azure.com', { region: 'swedencentral', jurisdiction: 'EU' }],
    // an addition does not move a host the catalog knows
    ['https://api.openai.com', { region: 'us', jurisdiction: 'US' }],
    ['http://gateway.ai.svc', { region: 'eu-central-1', jurisdiction: 'EU', internal: true }],
  ];
  for (const [text, expected] of added) {
    it(`places ${text} with the policy's additions`, () => {
      const placement = placeEndpoint(text, additions);
      assert.equal(placement.region, expected.region);
      assert.equal(placement.jurisdiction, expected.jurisdiction);
      assert.equal(placement.internal, expected.internal ?? false);
    });
  }
});
