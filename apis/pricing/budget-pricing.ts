import type { UNPRICED_MODEL_RULES, UNPRICED_REASONS } from '../token-budget.js';
import { BUILT_IN_PRICES } from './built-in-models.js';
import { conversionFactor, type ExchangeRate } from './exchange-rates.js';
import type { ModelPrice, PricedTokens } from './model-price.js';
import { tokensCostMicros } from './model-price.js';
import { type DeclaredPrices, priceFor } from './price-lookup.js';

/**
 * How one budget counts money: every call in the budget's currency, and a call it cannot price by
 * the rule the budget chose — never as 0 by accident. Shared by the sidecar's gate (each call, as it
 * is admitted and settled) and the operator's TokenBudget controller (the ledgers' lines), so both
 * count the same call the same way. Pure.
 *
 * A call cannot be priced when its model has no price (`UnpricedModel`: neither declared nor
 * built-in) or its price is in a currency no declared rate converts into the budget's
 * (`UnconvertibleCurrency`). The rule (TokenBudget `spec.unpricedModels`) then says:
 * - `Refuse`: the sidecar refuses the call before it is made (a call that got through anyway — an
 *   older policy, a fallback target with another model — is counted at the highest known price);
 * - `HighestKnownPrice`: counted at the highest input and output price of every model known in a
 *   currency that converts into the budget's (declared and built-in);
 * - `TokensOnly`: its tokens count, its cost does not, and the budget says so.
 * Budgets without a cost limit count tokens only; their rule changes nothing.
 */

export type UnpricedReason = (typeof UNPRICED_REASONS)[number];
export type UnpricedModelRule = (typeof UNPRICED_MODEL_RULES)[number];

/** The highest known price in one currency, and the models it comes from (for messages). */
export interface HighestPrice extends ModelPrice {
  inputModel: string;
  outputModel: string;
}

/** What a model costs under one budget. */
export type BudgetModelPrice =
  | { priced: true; price: ModelPrice; matched: string }
  | {
      priced: false;
      reason: UnpricedReason;
      /** The currency of the model's price, for UnconvertibleCurrency. */
      priceCurrency?: string;
      /** What the rule counts the call at; undefined: its cost is not counted (TokensOnly, or no price known at all). */
      countedAt?: HighestPrice;
    };

/** One call or line as a budget counts it. */
export interface CountedCost {
  /** Micro-units of the budget's currency. */
  costMicros: number;
  /** Absent when the call was priced. */
  unpriced?: { reason: UnpricedReason; priceCurrency?: string; countedAtHighest: boolean };
}

/** Models whose answers one BudgetPricing remembers; past this it starts over. */
const MEMO_MODELS = 1_000;

export interface BudgetPricingInputs {
  /** ISO 4217 code of the budget's limits. */
  currency: string;
  rule: UnpricedModelRule;
  declared: DeclaredPrices;
  rates: readonly ExchangeRate[];
}

export class BudgetPricing {
  readonly currency: string;
  readonly rule: UnpricedModelRule;
  /** The highest known price in the budget's currency; undefined when no known price converts into it. */
  readonly highest: HighestPrice | undefined;
  private readonly declared: DeclaredPrices;
  private readonly rates: readonly ExchangeRate[];
  private readonly memo = new Map<string, BudgetModelPrice>();

  constructor(inputs: BudgetPricingInputs) {
    this.currency = inputs.currency;
    this.rule = inputs.rule;
    this.declared = inputs.declared;
    this.rates = inputs.rates;
    this.highest = highestKnownPrice(inputs.declared, inputs.rates, inputs.currency);
  }

  /** The price of `model` in the budget's currency, or why there is none and what the rule counts. */
  of(model: string): BudgetModelPrice {
    let known = this.memo.get(model);
    if (known === undefined) {
      known = this.resolve(model);
      if (this.memo.size >= MEMO_MODELS) this.memo.clear();
      this.memo.set(model, known);
    }
    return known;
  }

  /** The cost of a call of `model` with `tokens`, in the budget's currency, by the rule when unpriced. */
  callCost(model: string, tokens: PricedTokens): CountedCost {
    const found = this.of(model);
    if (found.priced) return { costMicros: tokensCostMicros(found.price, tokens) };
    return this.unpricedCost(found.reason, found.priceCurrency, tokens);
  }

  /**
   * The cost of a ledger line in the budget's currency: a priced line's cost converted with the
   * declared rate, an unpriced line (or one whose currency does not convert) by the rule.
   */
  lineCost(line: PricedTokens & { costMicros: number; currency?: string; unpriced?: boolean }): CountedCost {
    if (line.unpriced) return this.unpricedCost('UnpricedModel', undefined, line);
    const currency = line.currency ?? 'USD';
    const factor = conversionFactor(this.rates, currency, this.currency);
    if (factor === undefined) return this.unpricedCost('UnconvertibleCurrency', currency, line);
    return { costMicros: Math.round(line.costMicros * factor) };
  }

  private unpricedCost(
    reason: UnpricedReason,
    priceCurrency: string | undefined,
    tokens: PricedTokens,
  ): CountedCost {
    const at = this.rule === 'TokensOnly' ? undefined : this.highest;
    return {
      costMicros: at ? tokensCostMicros(at, tokens) : 0,
      unpriced: {
        reason,
        ...(priceCurrency !== undefined ? { priceCurrency } : {}),
        countedAtHighest: at !== undefined,
      },
    };
  }

  private resolve(model: string): BudgetModelPrice {
    const resolved = priceFor(model, this.declared);
    const countedAt = this.rule === 'TokensOnly' ? undefined : this.highest;
    if (!resolved) return { priced: false, reason: 'UnpricedModel', ...(countedAt ? { countedAt } : {}) };
    const price = convertPrice(resolved.price, this.rates, this.currency);
    if (!price) {
      return {
        priced: false,
        reason: 'UnconvertibleCurrency',
        priceCurrency: resolved.price.currency,
        ...(countedAt ? { countedAt } : {}),
      };
    }
    return { priced: true, price, matched: resolved.matched };
  }
}

/** `price` in `currency`, each price rounded to the micro-unit; undefined when no declared rate converts it. */
export function convertPrice(
  price: ModelPrice,
  rates: readonly ExchangeRate[],
  currency: string,
): ModelPrice | undefined {
  const factor = conversionFactor(rates, price.currency, currency);
  if (factor === undefined) return undefined;
  if (factor === 1) return price;
  const scale = (micros: number) => Math.round(micros * factor);
  return {
    inputPerMTok: scale(price.inputPerMTok),
    outputPerMTok: scale(price.outputPerMTok),
    ...(price.cachedInputPerMTok !== undefined
      ? { cachedInputPerMTok: scale(price.cachedInputPerMTok) }
      : {}),
    ...(price.cacheWritePerMTok !== undefined ? { cacheWritePerMTok: scale(price.cacheWritePerMTok) } : {}),
    currency,
  };
}

/**
 * The highest input and the highest output price (each on its own, possibly of two models) of every
 * model known — declared, and built-in where not declared — whose price converts into `currency`;
 * cached input and cache writes are then charged at that input price. Undefined when no known price converts.
 */
export function highestKnownPrice(
  declared: DeclaredPrices,
  rates: readonly ExchangeRate[],
  currency: string,
): HighestPrice | undefined {
  let highest: HighestPrice | undefined;
  const consider = (model: string, price: ModelPrice) => {
    const converted = convertPrice(price, rates, currency);
    if (!converted) return;
    highest ??= { inputPerMTok: 0, outputPerMTok: 0, currency, inputModel: model, outputModel: model };
    if (converted.inputPerMTok > highest.inputPerMTok) {
      highest.inputPerMTok = converted.inputPerMTok;
      highest.inputModel = model;
    }
    if (converted.outputPerMTok > highest.outputPerMTok) {
      highest.outputPerMTok = converted.outputPerMTok;
      highest.outputModel = model;
    }
  };
  const own = new Set(Object.keys(declared).map((model) => model.toLowerCase()));
  for (const [model, price] of Object.entries(declared))
    consider(model, { ...price, currency: price.currency ?? 'USD' });
  // A declared price replaces the built-in one of the same model (a negotiated rate, say).
  for (const [model, price] of Object.entries(BUILT_IN_PRICES)) if (!own.has(model)) consider(model, price);
  return highest;
}
