import { moneyToMicros } from '../compile/money.js';
import type { ModelCatalog } from '../model-catalog.js';
import { type ExchangeRate, parseRate } from './exchange-rates.js';
import type { ModelPrice } from './model-price.js';

/**
 * Every ModelCatalog of the cluster, merged as of one instant: the declared prices in effect, the
 * declared output limits, the exchange rates, and which entry lost to which. The policy compiler
 * puts the first three in every agent's policy; the TokenBudget controller counts with them; the
 * ModelCatalog controller reports the rest. Pure, and the same answer whatever order the catalogs
 * come in.
 *
 * One model (names compared without case) declared in several places: the price in effect with the
 * latest `effectiveFrom` wins, then the catalog whose name sorts first, then the provider's. A
 * declared output limit is taken from the first entry in that name order that has one. An exchange
 * rate declared twice: the later `asOf` wins, then the catalog name.
 */

/** Where a declared number comes from. */
export interface CatalogSource {
  catalog: string;
  provider: string;
  /** For a price: the day it took effect. */
  effectiveFrom?: string;
}

export interface ShadowedEntry {
  model: string;
  catalog: string;
  provider: string;
  /** The entry that wins, as `catalog/provider`. */
  by: string;
  what: 'price' | 'maxOutputTokens';
}

export interface EffectiveCatalog {
  /** Declared prices in effect, by lower-case model name (the policy's `pricing`). */
  prices: Record<string, ModelPrice>;
  /** Declared most output tokens per call, by lower-case model name (the policy's `outputLimits`). */
  outputLimits: Record<string, number>;
  /** One rate per currency pair, in from/to order (the policy's `exchangeRates`). */
  exchangeRates: ExchangeRate[];
  /** Where each price in `prices` comes from. */
  priceSources: Record<string, CatalogSource>;
  shadowed: ShadowedEntry[];
  /** The earliest declared price that takes effect after the instant: compile again then. */
  nextChange?: Date;
}

interface Candidate {
  model: string;
  source: CatalogSource;
  price?: ModelPrice;
  effectiveFrom?: number;
  maxOutputTokens?: number;
}

const DAY_START = 'T00:00:00Z';

export function effectiveCatalog(catalogs: readonly ModelCatalog[], now: Date): EffectiveCatalog {
  const at = now.getTime();
  const candidates = new Map<string, Candidate[]>();
  let nextChange: number | undefined;
  const ordered = [...catalogs]
    .filter((c) => !c.metadata.deletionTimestamp)
    .sort((a, b) => byName(a.metadata.name, b.metadata.name));
  for (const catalog of ordered) {
    const catalogName = catalog.metadata.name ?? '';
    const providers = [...(catalog.spec.providers ?? [])].sort((a, b) => byName(a.name, b.name));
    for (const provider of providers) {
      for (const model of provider.models) {
        let inEffect: { from: number; day: string; price: ModelPrice } | undefined;
        for (const p of model.prices ?? []) {
          const from = Date.parse(`${p.effectiveFrom}${DAY_START}`);
          if (from > at) {
            if (nextChange === undefined || from < nextChange) nextChange = from;
            continue;
          }
          if (inEffect && inEffect.from >= from) continue;
          inEffect = { from, day: p.effectiveFrom, price: declaredPrice(p, provider.currency) };
        }
        const key = model.name.toLowerCase();
        const list = candidates.get(key) ?? [];
        list.push({
          model: model.name,
          source: {
            catalog: catalogName,
            provider: provider.name,
            ...(inEffect ? { effectiveFrom: inEffect.day } : {}),
          },
          ...(inEffect ? { price: inEffect.price, effectiveFrom: inEffect.from } : {}),
          ...(model.maxOutputTokens !== undefined ? { maxOutputTokens: model.maxOutputTokens } : {}),
        });
        candidates.set(key, list);
      }
    }
  }

  const result: EffectiveCatalog = {
    prices: {},
    outputLimits: {},
    exchangeRates: exchangeRates(ordered),
    priceSources: {},
    shadowed: [],
  };
  for (const [key, list] of [...candidates.entries()].sort(([a], [b]) => byName(a, b))) {
    // Stable: list is in catalog, then provider, name order.
    const priced = list.filter((c) => c.price !== undefined);
    const winner = priced.reduce<Candidate | undefined>(
      (best, c) => (best === undefined || (c.effectiveFrom ?? 0) > (best.effectiveFrom ?? 0) ? c : best),
      undefined,
    );
    if (winner?.price) {
      result.prices[key] = winner.price;
      result.priceSources[key] = winner.source;
      for (const lost of priced) if (lost !== winner) result.shadowed.push(shadow(lost, winner, 'price'));
    }
    const limited = list.filter((c) => c.maxOutputTokens !== undefined);
    const limit = limited[0];
    if (limit?.maxOutputTokens !== undefined) {
      result.outputLimits[key] = limit.maxOutputTokens;
      for (const lost of limited.slice(1)) result.shadowed.push(shadow(lost, limit, 'maxOutputTokens'));
    }
  }
  if (nextChange !== undefined) result.nextChange = new Date(nextChange);
  return result;
}

function declaredPrice(
  p: NonNullable<ModelCatalog['spec']['providers']>[number]['models'][number]['prices'] extends
    | (infer T)[]
    | undefined
    ? T
    : never,
  currency: string,
): ModelPrice {
  return {
    inputPerMTok: moneyToMicros(p.input),
    outputPerMTok: moneyToMicros(p.output),
    ...(p.cachedInput !== undefined ? { cachedInputPerMTok: moneyToMicros(p.cachedInput) } : {}),
    ...(p.cacheWrite !== undefined ? { cacheWritePerMTok: moneyToMicros(p.cacheWrite) } : {}),
    ...(p.batchPercent !== undefined ? { batchPercent: p.batchPercent } : {}),
    currency,
  };
}

function exchangeRates(catalogs: readonly ModelCatalog[]): ExchangeRate[] {
  const byPair = new Map<string, ExchangeRate>();
  for (const catalog of catalogs) {
    for (const r of catalog.spec.exchangeRates ?? []) {
      const pair = `${r.from}/${r.to}`;
      const known = byPair.get(pair);
      // Catalogs come in name order: a tie keeps the first.
      if (known && (known.asOf ?? '') >= r.asOf) continue;
      byPair.set(pair, { from: r.from, to: r.to, rate: parseRate(r.rate), asOf: r.asOf });
    }
  }
  return [...byPair.entries()].sort(([a], [b]) => byName(a, b)).map(([, rate]) => rate);
}

function shadow(lost: Candidate, by: Candidate, what: ShadowedEntry['what']): ShadowedEntry {
  return {
    model: lost.model,
    catalog: lost.source.catalog,
    provider: lost.source.provider,
    by: `${by.source.catalog}/${by.source.provider}`,
    what,
  };
}

function byName(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The effective catalog of the catalogs a cache holds, computed again only when one of them
 * changed (name, resourceVersion) or the next declared price took effect: reconciles of many
 * budgets and agents ask for it with the same catalogs.
 */
export class EffectiveCatalogMemo {
  private key: string | undefined;
  private computedAt = 0;
  private value: EffectiveCatalog | undefined;

  of(catalogs: readonly ModelCatalog[], now: Date): EffectiveCatalog {
    const key = catalogs
      .map((c) => `${c.metadata.name ?? ''}@${c.metadata.resourceVersion ?? JSON.stringify(c)}`)
      .sort()
      .join('\n');
    const at = now.getTime();
    const value = this.value;
    if (
      value &&
      key === this.key &&
      at >= this.computedAt &&
      (value.nextChange === undefined || at < value.nextChange.getTime())
    ) {
      return value;
    }
    this.key = key;
    this.computedAt = at;
    this.value = effectiveCatalog(catalogs, now);
    return this.value;
  }
}
