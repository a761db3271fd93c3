/**
 * Declared exchange rates and the one rule for converting money between currencies. Rates are
 * declared in the cluster (ModelCatalog `spec.exchangeRates`) or a standalone sidecar's file, never
 * fetched: a budget's arithmetic must not depend on the network, and a rate a person declared with
 * its date is one an auditor can read back.
 */
export interface ExchangeRate {
  /** ISO 4217 code converted from. */
  from: string;
  /** ISO 4217 code converted to. */
  to: string;
  /** Units of `to` one unit of `from` is worth, e.g. 0.92 for USD → EUR. */
  rate: number;
  /** When the rate was taken (YYYY-MM-DD), for status and docs. */
  asOf?: string;
}

/**
 * The factor that turns an amount in `from` into `to`: 1 for the same currency, the declared rate
 * from → to, else the inverse of a declared to → from; undefined when neither is declared. No
 * chains through a third currency: every conversion a budget makes is one rate a person declared.
 */
export function conversionFactor(
  rates: readonly ExchangeRate[],
  from: string,
  to: string,
): number | undefined {
  if (from === to) return 1;
  const direct = rates.find((r) => r.from === from && r.to === to);
  if (direct && direct.rate > 0) return direct.rate;
  const inverse = rates.find((r) => r.from === to && r.to === from);
  if (inverse && inverse.rate > 0) return 1 / inverse.rate;
  return undefined;
}

/** A decimal rate as declared (`"0.92"`, up to 10 decimals) as a number; throws naming the value. */
export function parseRate(text: string): number {
  if (!/^[0-9]{1,9}(\.[0-9]{1,10})?$/.test(text)) {
    throw new Error(`exchange rate: expected a decimal number such as 0.92, got ${JSON.stringify(text)}`);
  }
  const rate = Number(text);
  if (!(rate > 0)) throw new Error(`exchange rate: must be more than 0, got ${JSON.stringify(text)}`);
  return rate;
}
