import type { EffectiveTarget } from '../../apis/effective-policy.js';
import type { ApiKind } from '../http/api-kind.js';

/**
 * How one provider kind is called: where an API lives under the target's base URL and how the
 * sidecar's key is presented. The agent's own credentials are never forwarded (see
 * `upstream-headers.ts`); the adapter adds the sidecar's.
 */
export interface ProviderAdapter {
  /** The URL of `api` at `target` for `model`, or undefined when the provider does not offer the API. */
  url(target: EffectiveTarget, api: ApiKind, model: string): string | undefined;
  /** Headers that carry the key (none when the target has no key, e.g. a local server). */
  authHeaders(apiKey: string | undefined): Record<string, string>;
}

/** `/v1/chat/completions` → `/chat/completions`: OpenAI SDK base URLs end in `/v1`. */
export const API_PATHS: Record<ApiKind, string> = {
  'chat.completions': '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  messages: '/messages',
};

/** OpenAI and every OpenAI-compatible server: `{baseUrl}/chat/completions`, `Authorization: Bearer`. */
export const openAIAdapter: ProviderAdapter = {
  url: (target, api) => target.baseUrl + API_PATHS[api],
  authHeaders: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
};

export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * Anthropic: `{base}/v1/messages` whether or not the base URL ends in `/v1` (the Anthropic SDK's base
 * URL does not); `x-api-key` and an `anthropic-version` (the agent's own version header wins). The
 * OpenAI-shaped APIs go to Anthropic's OpenAI-compatible endpoints under the same base.
 */
export const anthropicAdapter: ProviderAdapter = {
  url: (target, api) => target.baseUrl.replace(/\/v1$/, '') + '/v1' + API_PATHS[api],
  authHeaders: (apiKey): Record<string, string> => (apiKey ? { 'x-api-key': apiKey } : {}),
};

export const AZURE_API_VERSION = '2024-10-21';
export const AZURE_RESPONSES_API_VERSION = '2025-03-01-preview';

/**
 * Azure OpenAI: the model is the deployment (`/openai/deployments/{model}/chat/completions`), the
 * version a query parameter, the key an `api-key` header. Azure has no Messages API.
 */
export const azureOpenAIAdapter: ProviderAdapter = {
  url: (target, api, model) => {
    const base = target.baseUrl.replace(/\/openai$/, '');
    if (api === 'messages') return undefined;
    if (api === 'responses') {
      return `${base}/openai/responses?api-version=${encodeURIComponent(target.apiVersion ?? AZURE_RESPONSES_API_VERSION)}`;
    }
    const version = encodeURIComponent(target.apiVersion ?? AZURE_API_VERSION);
    return `${base}/openai/deployments/${encodeURIComponent(model)}${API_PATHS[api]}?api-version=${version}`;
  },
  authHeaders: (apiKey): Record<string, string> => (apiKey ? { 'api-key': apiKey } : {}),
};

export function adapterFor(provider: EffectiveTarget['provider']): ProviderAdapter {
  switch (provider) {
    case 'Anthropic':
      return anthropicAdapter;
    case 'AzureOpenAI':
      return azureOpenAIAdapter;
    default:
      return openAIAdapter;
  }
}
