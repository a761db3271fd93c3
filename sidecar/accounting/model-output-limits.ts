import { longestPrefixMatch } from './model-name.js';

/**
 * Most output tokens one call of a model may produce (provider documentation), used as the worst
 * case of a request that sets no limit of its own. Matched by longest prefix like the price table.
 */
export const MODEL_OUTPUT_LIMITS: Readonly<Record<string, number>> = {
  'gpt-5': 128_000,
  'gpt-4.1': 32_768,
  'gpt-4.5-preview': 16_384,
  'gpt-4o': 16_384,
  'chatgpt-4o-latest': 16_384,
  'gpt-4-turbo': 4_096,
  'gpt-4-1106-preview': 4_096,
  'gpt-4-0125-preview': 4_096,
  'gpt-4': 8_192,
  'gpt-3.5-turbo': 4_096,
  'gpt-3.5-turbo-instruct': 4_096,
  o1: 100_000,
  'o1-mini': 65_536,
  'o1-pro': 100_000,
  o3: 100_000,
  'o3-mini': 100_000,
  'o4-mini': 100_000,
  'claude-opus-4-5': 64_000,
  'claude-opus-4-1': 32_000,
  'claude-opus-4': 32_000,
  'claude-sonnet-4': 64_000,
  'claude-sonnet-4-5': 64_000,
  'claude-haiku-4-5': 64_000,
  'claude-3-7-sonnet': 64_000,
  'claude-3-5-sonnet': 8_192,
  'claude-3-5-haiku': 8_192,
  'claude-3-opus': 4_096,
  'claude-3-haiku': 4_096,
};

/** The worst case for a model the table does not know. */
export const DEFAULT_OUTPUT_LIMIT = 4_096;

export function modelOutputLimit(model: string): number {
  return longestPrefixMatch(model, MODEL_OUTPUT_LIMITS)?.value ?? DEFAULT_OUTPUT_LIMIT;
}
