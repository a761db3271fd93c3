import type { BudgetPricing } from '../../apis/pricing/budget-pricing.js';
import type { TokenBudgetSpec, TokenBudgetStatus } from '../../apis/token-budget.js';
import { type Health, kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import type { BudgetForecast } from './budget-forecast.js';
import { type BudgetPhaseDecision, wholePercent } from './budget-phase.js';
import { pricingCondition, pricingStatus } from './budget-pricing-status.js';
import type { BudgetUsage } from './budget-usage.js';
import { microsToMoney } from './money-amount.js';
import type { SuspendedWorkload } from './suspend-plan.js';

/** At most this many agents are listed in `status.agents` (the schema's bound), most tokens first. */
const MAX_STATUS_AGENTS = 256;

export interface BudgetStatusInput {
  spec: Pick<TokenBudgetSpec, 'limits'> & Partial<Pick<TokenBudgetSpec, 'forecast'>>;
  /** `metadata.generation` of the budget the status describes. */
  generation?: number;
  decision: BudgetPhaseDecision;
  usage: BudgetUsage;
  /** Workloads this budget holds suspended after this reconcile. */
  suspended: readonly SuspendedWorkload[];
  /** The status as last written, so unchanged conditions keep their transition time. */
  previous?: TokenBudgetStatus;
  /** Overrides the Ready verdict: a cross-object problem (Stalled) or actions still in flight (Reconciling). */
  health?: Health;
  /** How the budget priced its usage; with a cost limit, the status says what it could not price. */
  pricing?: BudgetPricing;
  /** The end-of-period forecast; absent too early in the period. */
  forecast?: BudgetForecast | undefined;
  now: Date;
}

/**
 * The TokenBudget status: usage this period, percent of the tightest limit, phase, actions in force,
 * the period, per-agent usage, suspended workloads and kstatus conditions. `Ready=True` whatever the
 * phase (an exhausted budget is doing its job); its reason and message tell the phase. With a cost
 * limit, also `PricingComplete` and `pricing` (what it could not price, and how it counted it).
 */
export function budgetStatus(input: BudgetStatusInput): TokenBudgetStatus {
  const { decision, usage, spec } = input;
  const health = input.health ?? readyHealth(input);
  const priced = input.pricing ? { spec, pricing: input.pricing, unpriced: usage.unpriced ?? [] } : undefined;
  const pricing = priced ? pricingStatus(priced) : undefined;
  const complete = priced ? pricingCondition(priced) : undefined;
  return {
    phase: decision.phase,
    used: {
      tokens: usage.total.tokens,
      inputTokens: usage.total.inputTokens,
      outputTokens: usage.total.outputTokens,
      cachedInputTokens: usage.total.cachedInputTokens,
      cost: microsToMoney(usage.total.costMicros),
    },
    percent: wholePercent(decision.percent),
    periodStart: decision.period.start.toISOString(),
    periodEnd: decision.period.end.toISOString(),
    activeActions: [...decision.actions],
    agents: usage.agents.slice(0, MAX_STATUS_AGENTS).map((a) => ({
      name: a.name,
      tokens: a.tokens,
      ...(spec.limits.cost !== undefined || a.costMicros > 0 ? { cost: microsToMoney(a.costMicros) } : {}),
    })),
    ...(pricing ? { pricing } : {}),
    ...(input.forecast ? { forecast: forecastStatus(input.forecast, spec) } : {}),
    suspendedWorkloads: input.suspended.map((w) => ({
      kind: w.kind,
      name: w.name,
      ...(w.previousReplicas !== undefined ? { previousReplicas: w.previousReplicas } : {}),
    })),
    conditions: nextConditions(
      input.previous?.conditions,
      complete ? [...kstatusConditions(health), complete] : kstatusConditions(health),
      input.generation,
      input.now,
    ),
    ...(input.generation !== undefined ? { observedGeneration: input.generation } : {}),
  };
}

/** status.forecast: the projection, rounded as the other percentages are, and where it stands. */
export function forecastStatus(
  forecast: BudgetForecast,
  spec: BudgetStatusInput['spec'],
): NonNullable<TokenBudgetStatus['forecast']> {
  const alertPercent = spec.forecast?.alertPercent;
  return {
    percent: wholePercent(forecast.percent),
    tokens: forecast.tokens,
    ...(spec.limits.cost !== undefined ? { cost: microsToMoney(forecast.costMicros) } : {}),
    method: forecast.method,
    ...(alertPercent !== undefined ? { aboveAlert: forecastAboveAlert(forecast, alertPercent) } : {}),
  };
}

/** The forecast reaches the alert percent, and enough of the period is counted to say so. */
export function forecastAboveAlert(forecast: BudgetForecast, alertPercent: number): boolean {
  return forecast.alertable && forecast.percent >= alertPercent;
}

const REASON = { Active: 'WithinBudget', Warning: 'ThresholdReached', Exhausted: 'BudgetExhausted' } as const;

function readyHealth(input: BudgetStatusInput): Health {
  const { decision, usage, spec } = input;
  const parts: string[] = [];
  if (spec.limits.tokens !== undefined)
    parts.push(`${group(usage.total.tokens)} of ${group(spec.limits.tokens)} tokens`);
  if (spec.limits.cost !== undefined)
    parts.push(`${microsToMoney(usage.total.costMicros)} of ${spec.limits.cost} ${spec.limits.currency}`);
  const until = decision.period.end.toISOString();
  const inForce =
    decision.actions.length > 0 ? `${decision.actions.join(', ')} in force` : 'no action in force';
  const since = usage.trackedSince
    ? `; counting since ${usage.trackedSince.toISOString()}, when the budget first saw this period's usage`
    : '';
  return {
    state: 'Ready',
    reason: REASON[decision.phase],
    message:
      `${decision.phase}: ${parts.join(' and ')} used (${wholePercent(decision.percent)} %); ` +
      `${inForce} until the reset at ${until}${since}.`,
  };
}

/** 2000000 → "2,000,000". */
function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
