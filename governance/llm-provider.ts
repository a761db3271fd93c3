// The provider behind an LLM endpoint host, for people reading the map. Pure.
import type { FallbackRoute } from '../apis/fallback-route.js';

const BY_SUFFIX: Array<[RegExp, string]> = [
  [/(^|\.)openai\.azure\.com$/, 'AzureOpenAI'],
  [/(^|\.)openai\.com$/, 'OpenAI'],
  [/(^|\.)anthropic\.com$/, 'Anthropic'],
  [/^bedrock[-a-z]*\.[a-z0-9-]+\.amazonaws\.com$/, 'Bedrock'],
  [/-aiplatform\.googleapis\.com$/, 'VertexAI'],
  [/(^|\.)mistral\.ai$/, 'Mistral'],
  [/(^|\.)cohere\.(com|ai)$/, 'Cohere'],
  [/(^|\.)groq\.com$/, 'Groq'],
  [/(^|\.)together\.xyz$/, 'Together'],
  [/(^|\.)fireworks\.ai$/, 'Fireworks'],
  [/(^|\.)x\.ai$/, 'xAI'],
  [/(^|\.)perplexity\.ai$/, 'Perplexity'],
  [/(^|\.)deepseek\.com$/, 'DeepSeek'],
];

type Provider = FallbackRoute['spec']['targets'][number]['provider'];

/** The provider a route target declares, else the one its host belongs to, else undefined. */
export function llmProvider(host: string, declared?: Provider): string | undefined {
  if (declared && declared !== 'OpenAICompatible') return declared;
  return BY_SUFFIX.find(([pattern]) => pattern.test(host))?.[1] ?? declared;
}
