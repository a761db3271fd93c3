import { periodLines } from '../../apis/ledger/period-totals.js';
import { BudgetPricing, type UnpricedReason } from '../../apis/pricing/budget-pricing.js';
import type { EffectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import { DEFAULT_UNPRICED_MODEL_RULE, type TokenBudgetSpec } from '../../apis/token-budget.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';

export interface UsageCounts {
  /** Input plus output tokens. */
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Micro-units of the budget's currency. */
  costMicros: number;
  requests: number;
}

export interface AgentUsage extends UsageCounts {
  /** The agent (value of the governor.agents.dev/agent label). */
  name: string;
}

/** Calls of one model the budget could not price in its currency this period, and what it counted. */
export interface UnpricedUsage {
  model: string;
  reason: UnpricedReason;
  /** The currency of the model's price, for UnconvertibleCurrency. */
  currency?: string;
  calls: number;
  tokens: number;
  /** What the budget's rule counted for them, in micro-units of its currency. */
  costMicros: number;
}

export interface BudgetUsage {
  total: UsageCounts;
  /** Per agent, most tokens first. */
  agents: AgentUsage[];
  /** Latest time a selected agent's ledger started counting this period, if after the period start. */
  trackedSince?: Date;
  /** Models the budget could not price, most calls first (empty or absent when every call was priced). */
  unpriced?: UnpricedUsage[];
}

const ZERO: UsageCounts = {
  tokens: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicros: 0,
  requests: 0,
};

type PricedSpec = Pick<TokenBudgetSpec, 'limits'> & Partial<Pick<TokenBudgetSpec, 'unpricedModels'>>;

/** How a budget prices: its currency and rule, the declared prices and rates of the cluster. */
export function budgetPricing(
  spec: PricedSpec,
  catalog: Pick<EffectiveCatalog, 'prices' | 'exchangeRates'> = { prices: {}, exchangeRates: [] },
): BudgetPricing {
  return new BudgetPricing({
    currency: spec.limits.currency,
    rule: spec.unpricedModels ?? DEFAULT_UNPRICED_MODEL_RULE,
    declared: catalog.prices,
    rates: catalog.exchangeRates,
  });
}

/**
 * The usage a budget counts this period: the ledgers of the selected agents, in the budget's
 * period, limited to its use cases, every line's cost in the budget's currency — converted with a
 * declared rate, or counted by the budget's rule when it cannot be priced (`pricing`, default: the
 * built-in prices only). An agent whose ledger does not track the period yet has used nothing as
 * far as the budget knows.
 */
export function budgetUsage(
  spec: PricedSpec & Pick<TokenBudgetSpec, 'period' | 'useCases'>,
  ledgers: readonly UsageLedgerSpec[],
  now: Date,
  pricing: BudgetPricing = budgetPricing(spec),
): BudgetUsage {
  const total = { ...ZERO };
  const agents: AgentUsage[] = [];
  const unpriced = new Map<string, UnpricedUsage>();
  let trackedSince: Date | undefined;
  for (const ledger of ledgers) {
    const found = periodLines(ledger, spec.period, now, spec.useCases);
    const counts: UsageCounts = { ...ZERO };
    for (const line of found?.lines ?? []) {
      const counted = pricing.lineCost(line);
      counts.tokens += line.inputTokens + line.outputTokens;
      counts.inputTokens += line.inputTokens;
      counts.outputTokens += line.outputTokens;
      counts.cachedInputTokens += line.cachedInputTokens;
      counts.costMicros += counted.costMicros;
      counts.requests += line.requests;
      if (!counted.unpriced || line.requests === 0) continue;
      const { reason, priceCurrency } = counted.unpriced;
      const key = `${line.model}\u0000${reason}\u0000${priceCurrency ?? ''}`;
      const known = unpriced.get(key) ?? {
        model: line.model,
        reason,
        ...(priceCurrency !== undefined ? { currency: priceCurrency } : {}),
        calls: 0,
        tokens: 0,
        costMicros: 0,
      };
      known.calls += line.requests;
      known.tokens += line.inputTokens + line.outputTokens;
      known.costMicros += counted.costMicros;
      unpriced.set(key, known);
    }
    for (const key of Object.keys(total) as (keyof UsageCounts)[]) total[key] += counts[key];
    agents.push({ name: ledger.agent, ...counts });
    if (found?.trackedSince && (!trackedSince || found.trackedSince > trackedSince))
      trackedSince = found.trackedSince;
  }
  agents.sort((a, b) => b.tokens - a.tokens || (a.name < b.name ? -1 : 1));
  return {
    total,
    agents,
    ...(trackedSince ? { trackedSince } : {}),
    unpriced: [...unpriced.values()].sort(
      (a, b) => b.calls - a.calls || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
    ),
  };
}
