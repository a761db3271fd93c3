import type { ModelPrice } from './model-price.js';

/**
 * The dated defaults of the model catalog: list prices and output limits the project ships, used
 * for every model no ModelCatalog of the cluster declares (a declared entry always wins). They are
 * constants a person keeps by hand, so they carry the date they were recorded and where they come
 * from; docs/pricing.md shows both, and every ModelCatalog's status repeats the date.
 */
export const BUILT_IN_DEFAULTS = {
  /** When the tables were last checked against the providers' published prices and limits. */
  asOf: '2026-11-26',
  source:
    "OpenAI's and Anthropic's published standard (not batch, not priority) list prices per million tokens, and the maximum output tokens of their model documentation",
  currency: 'USD',
} as const;

const usd = (dollars: number) => Math.round(dollars * 1_000_000);

function price(input: number, output: number, cached?: number, cacheWrite?: number): ModelPrice {
  const p: ModelPrice = { inputPerMTok: usd(input), outputPerMTok: usd(output), currency: 'USD' };
  if (cached !== undefined) p.cachedInputPerMTok = usd(cached);
  if (cacheWrite !== undefined) p.cacheWritePerMTok = usd(cacheWrite);
  return p;
}

/** Anthropic: cache reads at 0.1 × input, 5-minute cache writes at 1.25 × input. */
const claude = (input: number, output: number) => price(input, output, input / 10, input * 1.25);

/**
 * Standard (not batch, not priority) list prices of common OpenAI and Anthropic models in micro-USD
 * per million tokens (so $2.50 / MTok is 2_500_000), as of `BUILT_IN_DEFAULTS.asOf`. Declared prices
 * (a ModelCatalog, or a standalone sidecar's `pricing`) override any entry and add models; keys match
 * dated names by longest prefix (`gpt-4o-2024-08-06` is priced as `gpt-4o`).
 */
export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': price(1.25, 10, 0.125),
  'gpt-5-mini': price(0.25, 2, 0.025),
  'gpt-5-nano': price(0.05, 0.4, 0.005),
  'gpt-4.1': price(2, 8, 0.5),
  'gpt-4.1-mini': price(0.4, 1.6, 0.1),
  'gpt-4.1-nano': price(0.1, 0.4, 0.025),
  'gpt-4.5-preview': price(75, 150, 37.5),
  'gpt-4o': price(2.5, 10, 1.25),
  'gpt-4o-2024-05-13': price(5, 15),
  'gpt-4o-mini': price(0.15, 0.6, 0.075),
  'chatgpt-4o-latest': price(5, 15),
  'gpt-4-turbo': price(10, 30),
  'gpt-4': price(30, 60),
  'gpt-4-32k': price(60, 120),
  'gpt-3.5-turbo': price(0.5, 1.5),
  'gpt-3.5-turbo-instruct': price(1.5, 2),
  o1: price(15, 60, 7.5),
  'o1-mini': price(1.1, 4.4, 0.55),
  'o1-pro': price(150, 600),
  o3: price(2, 8, 0.5),
  'o3-mini': price(1.1, 4.4, 0.55),
  'o3-pro': price(20, 80),
  'o4-mini': price(1.1, 4.4, 0.275),
  'text-embedding-3-small': price(0.02, 0),
  'text-embedding-3-large': price(0.13, 0),
  'text-embedding-ada-002': price(0.1, 0),
  'davinci-002': price(2, 2),
  'babbage-002': price(0.4, 0.4),
  'claude-opus-4-5': claude(5, 25),
  'claude-opus-4-1': claude(15, 75),
  'claude-opus-4': claude(15, 75),
  'claude-sonnet-4-5': claude(3, 15),
  'claude-sonnet-4': claude(3, 15),
  'claude-3-7-sonnet': claude(3, 15),
  'claude-3-5-sonnet': claude(3, 15),
  'claude-haiku-4-5': claude(1, 5),
  'claude-3-5-haiku': claude(0.8, 4),
  'claude-3-opus': claude(15, 75),
  'claude-3-haiku': price(0.25, 1.25, 0.03, 0.3),
};

/**
 * Most output tokens one call of a model may produce (provider documentation), used as the worst
 * case of a request that sets no limit of its own. Matched by longest prefix like the price table; a
 * ModelCatalog's `maxOutputTokens` wins over an entry.
 */
export const BUILT_IN_OUTPUT_LIMITS: Readonly<Record<string, number>> = {
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
