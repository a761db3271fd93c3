/** Prices of one model in micro-USD per million tokens (so $2.50 / MTok is 2_500_000). */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input read from the provider's prompt cache; the input price when absent. */
  cachedInputPerMTok?: number;
  /** Input written to Anthropic's prompt cache (5-minute cache, 1.25 × input); the input price when absent. */
  cacheWritePerMTok?: number;
}

const usd = (dollars: number) => Math.round(dollars * 1_000_000);

function price(input: number, output: number, cached?: number, cacheWrite?: number): ModelPrice {
  const p: ModelPrice = { inputPerMTok: usd(input), outputPerMTok: usd(output) };
  if (cached !== undefined) p.cachedInputPerMTok = usd(cached);
  if (cacheWrite !== undefined) p.cacheWritePerMTok = usd(cacheWrite);
  return p;
}

/** Anthropic: cache reads at 0.1 × input, 5-minute cache writes at 1.25 × input. */
const claude = (input: number, output: number) => price(input, output, input / 10, input * 1.25);

/**
 * Standard (not batch, not priority) list prices of common OpenAI and Anthropic models, as published
 * by the providers in 2025. A policy's `pricing` overrides any entry and adds models; keys match
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
