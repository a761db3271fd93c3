import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { adapterFor } from './provider-adapter.js';
import { testTarget } from './testdata.js';

describe('provider adapters', () => {
  const openai = testTarget('o', { baseUrl: 'https://api.openai.com/v1' });
  const anthropic = testTarget('a', { provider: 'Anthropic', baseUrl: 'https://api.anthropic.com' });
  const anthropicV1 = testTarget('a', { provider: 'Anthropic', baseUrl: 'http://127.0.0.1:9/v1' });
  const azure = testTarget('z', {
    provider: 'AzureOpenAI',
    baseUrl: 'https://agents.openai.azure.com',
    apiVersion: '2024-10-21',
  });
  const azureDefault = testTarget('z', {
    provider: 'AzureOpenAI',
    baseUrl: 'https://agents.openai.azure.com/openai',
  });
  const cases: [string, ReturnType<typeof testTarget>, ApiKind, string | undefined][] = [
    ['OpenAI chat', openai, 'chat.completions', 'https://api.openai.com/v1/chat/completions'],
    ['OpenAI responses', openai, 'responses', 'https://api.openai.com/v1/responses'],
    ['OpenAI embeddings', openai, 'embeddings', 'https://api.openai.com/v1/embeddings'],
    ['Anthropic messages', anthropic, 'messages', 'https://api.anthropic.com/v1/messages'],
    ['Anthropic messages, base with /v1', anthropicV1, 'messages', 'http://127.0.0.1:9/v1/messages'],
    [
      'Anthropic OpenAI-compatible chat',
      anthropic,
      'chat.completions',
      'https://api.anthropic.com/v1/chat/completions',
    ],
    [
      'Azure chat, the model as deployment',
      azure,
      'chat.completions',
      'https://agents.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
    ],
    [
      'Azure embeddings, default version, base ending in /openai',
      azureDefault,
      'embeddings',
      'https://agents.openai.azure.com/openai/deployments/gpt-4o-prod/embeddings?api-version=2024-10-21',
    ],
    [
      'Azure responses',
      azureDefault,
      'responses',
      'https://agents.openai.azure.com/openai/responses?api-version=2025-03-01-preview',
    ],
    ['Azure has no Messages API', azure, 'messages', undefined],
  ];
  for (const [name, target, api, url] of cases) {
    it(name, () => assert.equal(adapterFor(target.provider).url(target, api, 'gpt-4o-prod'), url));
  }

  it('present the sidecar key the way each provider reads it', () => {
    assert.deepEqual(adapterFor('OpenAI').authHeaders('sk-1'), { authorization: 'Bearer sk-1' });
    assert.deepEqual(adapterFor('OpenAICompatible').authHeaders('sk-1'), { authorization: 'Bearer sk-1' });
    assert.deepEqual(adapterFor('Anthropic').authHeaders('sk-ant'), { 'x-api-key': 'sk-ant' });
    assert.deepEqual(adapterFor('AzureOpenAI').authHeaders('az'), { 'api-key': 'az' });
    assert.deepEqual(adapterFor('OpenAI').authHeaders(undefined), {});
  });
});
