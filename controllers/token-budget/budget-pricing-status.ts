// What a budget with a cost limit says about the calls it could not price (pure): `status.pricing`,
// the condition PricingComplete, and the Event when a model first shows up. A call is never counted
// at 0 by accident: it is priced, or counted by the budget's rule, and then it is said
// (docs/adr/0039-declared-model-catalog.md).
import type { BudgetPricing } from '../../apis/pricing/budget-pricing.js';
import { BUILT_IN_DEFAULTS } from '../../apis/pricing/built-in-models.js';
import type { TokenBudget, TokenBudgetSpec, TokenBudgetStatus } from '../../apis/token-budget.js';
import type { PlannedEvent } from '../../runtime/controller/plan-executor.js';
import type { ConditionDecision } from '../kstatus/conditions.js';
import type { UnpricedUsage } from './budget-usage.js';
import { microsToMoney } from './money-amount.js';

export const PRICING_COMPLETE = 'PricingComplete';
/** Models listed in `status.pricing.unpriced` (the schema's bound); the rest are counted in `unpricedCalls`. */
const MAX_LISTED = 16;

export interface PricingView {
  spec: Pick<TokenBudgetSpec, 'limits'>;
  pricing: BudgetPricing;
  unpriced: readonly UnpricedUsage[];
}

/** `status.pricing`: absent without a cost limit, or when every call was priced. */
export function pricingStatus(view: PricingView): TokenBudgetStatus['pricing'] {
  const { spec, pricing, unpriced } = view;
  if (spec.limits.cost === undefined || unpriced.length === 0) return undefined;
  const highest = pricing.rule === 'TokensOnly' ? undefined : pricing.highest;
  return {
    unpricedCalls: unpriced.reduce((sum, u) => sum + u.calls, 0),
    unpriced: unpriced.slice(0, MAX_LISTED).map((u) => ({
      model: u.model,
      reason: u.reason,
      ...(u.currency !== undefined ? { currency: u.currency } : {}),
      calls: u.calls,
      tokens: u.tokens,
      countedCost: microsToMoney(u.costMicros),
    })),
    ...(highest
      ? {
          highestKnownPrice: {
            input: microsToMoney(highest.inputPerMTok),
            output: microsToMoney(highest.outputPerMTok),
            inputModel: highest.inputModel,
            outputModel: highest.outputModel,
          },
        }
      : {}),
  };
}

/** The PricingComplete condition; none for a budget without a cost limit (it counts tokens only). */
export function pricingCondition(view: PricingView): ConditionDecision | undefined {
  const { spec, pricing, unpriced } = view;
  if (spec.limits.cost === undefined) return undefined;
  const currency = pricing.currency;
  if (unpriced.length === 0) {
    return {
      type: PRICING_COMPLETE,
      status: 'True',
      reason: 'AllCallsPriced',
      message:
        `Every call this period was priced in ${currency}: declared ModelCatalog prices, else the built-in ` +
        `list prices of ${BUILT_IN_DEFAULTS.asOf} (${BUILT_IN_DEFAULTS.currency}).`,
    };
  }
  const calls = unpriced.reduce((sum, u) => sum + u.calls, 0);
  const counted = unpriced.reduce((sum, u) => sum + u.costMicros, 0);
  return {
    type: PRICING_COMPLETE,
    status: 'False',
    reason: unpriced.some((u) => u.reason === 'UnpricedModel') ? 'UnpricedModel' : 'UnconvertibleCurrency',
    message:
      `${calls} ${calls === 1 ? 'call' : 'calls'} this period could not be priced in ${currency}: ` +
      `${unpriced
        .slice(0, MAX_LISTED)
        .map((u) => why(u, currency))
        .join('; ')}. ` +
      `${ruleSentence(pricing, counted)} Declare the price (and exchange rate) in a ModelCatalog.`,
  };
}

/**
 * A Warning Event for each model the budget could not price that the status it carries does not
 * list yet: said once when it shows up, not on every reconcile.
 */
export function pricingEvents(
  budget: TokenBudget,
  view: PricingView,
  carried: TokenBudgetStatus | undefined,
): PlannedEvent[] {
  if (view.spec.limits.cost === undefined) return [];
  const known = new Set((carried?.pricing?.unpriced ?? []).map((u) => `${u.model}\u0000${u.reason}`));
  const fresh = view.unpriced.filter((u) => !known.has(`${u.model}\u0000${u.reason}`)).slice(0, MAX_LISTED);
  return fresh.map((u) => ({
    regarding: budget,
    event: {
      type: 'Warning',
      reason: u.reason,
      action: 'CountCost',
      note:
        `${why(u, view.pricing.currency)} (${u.calls} ${u.calls === 1 ? 'call' : 'calls'} so far). ` +
        ruleSentence(view.pricing, u.costMicros),
    },
  }));
}

function why(u: UnpricedUsage, currency: string): string {
  return u.reason === 'UnpricedModel'
    ? `model "${u.model}" has no price`
    : `model "${u.model}" is priced in ${u.currency}, and no exchange rate between ${u.currency} and ${currency} is declared`;
}

function ruleSentence(pricing: BudgetPricing, countedMicros: number): string {
  const currency = pricing.currency;
  const highest = pricing.highest;
  const at = highest
    ? `the highest known price (${microsToMoney(highest.inputPerMTok)} ${currency} input, of ${highest.inputModel}; ` +
      `${microsToMoney(highest.outputPerMTok)} ${currency} output, of ${highest.outputModel}; per million tokens)`
    : undefined;
  switch (pricing.rule) {
    case 'TokensOnly':
      return 'Their tokens are counted, their cost is not (unpricedModels: TokensOnly).';
    case 'Refuse':
      return at
        ? `The sidecars refuse such calls (unpricedModels: Refuse); what got through is counted at ${at}: ${microsToMoney(countedMicros)} ${currency}.`
        : `The sidecars refuse such calls (unpricedModels: Refuse); no known price converts into ${currency}, so what got through counts tokens only.`;
    case 'HighestKnownPrice':
      return at
        ? `Counted at ${at}: ${microsToMoney(countedMicros)} ${currency} (unpricedModels: HighestKnownPrice).`
        : `No known price converts into ${currency}, so their tokens are counted and their cost is not.`;
  }
}
