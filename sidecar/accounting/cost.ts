import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { tokensCostMicros } from '../../apis/pricing/model-price.js';
import { priceFor } from '../../apis/pricing/price-lookup.js';
import type { TokenUsage } from './token-usage.js';

export { priceFor, type ResolvedPrice } from '../../apis/pricing/price-lookup.js';

export type PriceOverrides = EffectivePolicy['pricing'];

/**
 * The cost of a call in the currency of its model's price. `priced: false` means the model has no
 * price at all: its cost is unknown, not 0 — usage reports mark it, and each budget counts it by its
 * own rule (apis/pricing/budget-pricing.ts).
 */
export interface PricedCost {
  costMicros: number;
  /** ISO 4217 code of `costMicros`; USD for an unpriced call (its cost is 0 in no currency). */
  currency: string;
  priced: boolean;
  matched?: string;
}

/**
 * What a call cost at its model's price (declared in the policy, else built-in): uncached input at
 * the input price, cached input at the cached price, Anthropic cache writes at the cache-write
 * price, output at the output price, in micro-units of the price's currency.
 */
export function pricedCost(model: string, usage: TokenUsage, declared?: PriceOverrides): PricedCost {
  const resolved = priceFor(model, declared);
  if (!resolved) return { costMicros: 0, currency: 'USD', priced: false };
  return {
    costMicros: tokensCostMicros(resolved.price, usage),
    currency: resolved.price.currency,
    priced: true,
    matched: resolved.matched,
  };
}

/** `pricedCost(…).costMicros`: 0 for a model without a price (see `pricedCost` for the flag). */
export function costMicros(model: string, usage: TokenUsage, declared?: PriceOverrides): number {
  return pricedCost(model, usage, declared).costMicros;
}
