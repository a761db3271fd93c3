/**
 * The price of one model: micro-units of `currency` per million tokens (so 2.50 EUR / MTok is
 * 2_500_000 with currency EUR). Micro-units keep the arithmetic in integers where it matters: a
 * call's cost is rounded once, to the micro-unit.
 */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input read from the provider's prompt cache; the input price when absent. */
  cachedInputPerMTok?: number;
  /** Input written to Anthropic's prompt cache (5-minute cache, 1.25 × input); the input price when absent. */
  cacheWritePerMTok?: number;
  /** ISO 4217 code of the currency the prices are in. */
  currency: string;
  /** Percent of these prices a batch call costs (a deferred call); absent: DEFAULT_BATCH_PERCENT. */
  batchPercent?: number;
}

/** What the providers' batch APIs charge of the synchronous price, unless a catalog says otherwise. */
export const DEFAULT_BATCH_PERCENT = 50;

/** The token counts a cost is made of (a call's usage, or a ledger line's sums). */
export interface PricedTokens {
  inputTokens: number;
  outputTokens: number;
  /** Input served from the provider's prompt cache: a part of inputTokens. */
  cachedInputTokens: number;
  /** Input written to Anthropic's prompt cache: a part of inputTokens, priced higher. */
  cacheWriteInputTokens?: number;
}

/**
 * What `tokens` cost at `price`, in micro-units of the price's currency, rounded once: uncached
 * input at the input price, cached input at the cached price, cache writes at the cache-write price,
 * output at the output price.
 */
export function tokensCostMicros(price: Omit<ModelPrice, 'currency'>, tokens: PricedTokens): number {
  const cached = Math.min(tokens.cachedInputTokens, tokens.inputTokens);
  const written = Math.min(tokens.cacheWriteInputTokens ?? 0, tokens.inputTokens - cached);
  const plain = tokens.inputTokens - cached - written;
  const microTokens =
    plain * price.inputPerMTok +
    cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
    written * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    tokens.outputTokens * price.outputPerMTok;
  return Math.round(microTokens / 1_000_000);
}
