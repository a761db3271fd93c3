import { BUILT_IN_PRICES } from './built-in-models.js';
import { longestPrefixMatch } from './model-name.js';
import type { ModelPrice } from './model-price.js';

/** A declared price; without a currency it is USD (policies written before prices had one). */
export type DeclaredPrice = Omit<ModelPrice, 'currency'> & { currency?: string | undefined };

/** Declared prices by model name (a policy's `pricing`): the cluster's ModelCatalogs or a standalone file. */
export type DeclaredPrices = Readonly<Record<string, DeclaredPrice>>;

/** The price a model is charged at, and where it came from. */
export interface ResolvedPrice {
  price: ModelPrice;
  /** The table key that matched (`gpt-4o` for `gpt-4o-2024-08-06`). */
  matched: string;
  source: 'declared' | 'built-in';
}

/**
 * The price of `model`: the longest matching key of the declared prices and the built-in table
 * together, the declared winning a tie; undefined for a model neither knows — which no caller may
 * count as a price of 0 (see budget-pricing.ts).
 */
export function priceFor(model: string, declared?: DeclaredPrices): ResolvedPrice | undefined {
  const own = declared ? longestPrefixMatch(model, declared) : undefined;
  const builtIn = longestPrefixMatch(model, BUILT_IN_PRICES);
  if (own && (!builtIn || own.key.length >= builtIn.key.length)) {
    const price = own.value.currency ? (own.value as ModelPrice) : { ...own.value, currency: 'USD' };
    return { price, matched: own.key, source: 'declared' };
  }
  return builtIn ? { price: builtIn.value, matched: builtIn.key, source: 'built-in' } : undefined;
}
