import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { longestPrefixMatch } from './model-name.js';
import { BUILT_IN_PRICES, type ModelPrice } from './pricing-table.js';
import type { TokenUsage } from './token-usage.js';

export type PriceOverrides = EffectivePolicy['pricing'];

/** The price a model is charged at, and where it came from. */
export interface ResolvedPrice {
  price: ModelPrice;
  /** The table key that matched (`gpt-4o` for `gpt-4o-2024-08-06`). */
  matched: string;
  source: 'policy' | 'built-in';
}

/**
 * The price of `model`: the longest matching key of the policy's overrides and the built-in table
 * together, the policy winning a tie; undefined for a model neither knows.
 */
export function priceFor(model: string, overrides?: PriceOverrides): ResolvedPrice | undefined {
  const own = overrides ? longestPrefixMatch(model, overrides) : undefined;
  const builtIn = longestPrefixMatch(model, BUILT_IN_PRICES);
  if (own && (!builtIn || own.key.length >= builtIn.key.length)) {
    return { price: own.value, matched: own.key, source: 'policy' };
  }
  return builtIn ? { price: builtIn.value, matched: builtIn.key, source: 'built-in' } : undefined;
}

/** The cost of a call and whether the model had a price (`priced: false` means it counted 0 — show it in metrics). */
export interface PricedCost {
  costMicros: number;
  priced: boolean;
  matched?: string;
}

export function pricedCost(model: string, usage: TokenUsage, overrides?: PriceOverrides): PricedCost {
  const resolved = priceFor(model, overrides);
  if (!resolved) return { costMicros: 0, priced: false };
  const p = resolved.price;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const written = Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - cached);
  const plain = usage.inputTokens - cached - written;
  const microTokens =
    plain * p.inputPerMTok +
    cached * (p.cachedInputPerMTok ?? p.inputPerMTok) +
    written * (p.cacheWritePerMTok ?? p.inputPerMTok) +
    usage.outputTokens * p.outputPerMTok;
  return { costMicros: Math.round(microTokens / 1_000_000), priced: true, matched: resolved.matched };
}

/**
 * Cost of a call in micro-units of the pricing currency: uncached input at the input price, cached
 * input at the cached price, Anthropic cache writes at the cache-write price, output at the output
 * price. A model without a price costs 0 (see `pricedCost` for the flag).
 */
export function costMicros(model: string, usage: TokenUsage, overrides?: PriceOverrides): number {
  return pricedCost(model, usage, overrides).costMicros;
}
