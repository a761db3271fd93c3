import type { TokenUsage } from '../accounting/token-usage.js';
import type { BudgetLedger } from './budget-ledger.js';
import { type Refusal, refuse, secondsUntil } from './gate-verdict.js';
import { sliceRoom } from './lease-slice.js';
import type { BudgetUse } from './local-phase.js';
import type { ModelChoice } from './model-choice.js';
import { insufficientMessage, sliceSpentMessage, unpricedMessage } from './refusal-messages.js';
import { estimatedUsage, fits, type WorstCase } from './worst-case.js';

/** Seconds a caller refused for lack of room should wait when calls in flight may free it. */
const IN_FLIGHT_RETRY_SECONDS = 2;
const NOTHING_RESERVED: BudgetUse = Object.freeze({ tokens: 0, costMicros: 0 });

/**
 * A budget that applies to a call being admitted: its use and phase, and the call's worst-case cost
 * in the budget's currency as last priced (`pricedAs` the model it was priced as).
 */
export interface BudgetInQuestion {
  ledger: BudgetLedger;
  used: BudgetUse;
  costMicros: number;
  pricedAs: string | undefined;
}

/** The call's worst-case cost under `entry`'s budget for the model it is now priced as (priced once per model). */
export function worstCost(entry: BudgetInQuestion, choice: ModelChoice, usage: TokenUsage): number {
  const model = choice.called;
  if (entry.pricedAs !== model) {
    entry.pricedAs = model;
    entry.costMicros = entry.ledger.pricing?.callCost(model, usage).costMicros ?? 0;
  }
  return entry.costMicros;
}

/**
 * A budget with a cost limit and rule Refuse does not let a call it cannot price be made (pure apart
 * from the decisions appended and the choice degraded). A critical agent is never refused by a
 * budget: it is degraded (to a model that may be priced), and what it then calls unpriced is counted
 * at the highest known price. The refusal's usage record says why, so the operator reports it for
 * every budget of the agent.
 */
export function unpricedRefusal(
  budgets: readonly BudgetInQuestion[],
  choice: ModelChoice,
  critical: boolean,
  decisions: string[],
): Refusal | undefined {
  for (const { ledger } of budgets) {
    if (ledger.budget.limitCostMicros === undefined || ledger.pricing?.rule !== 'Refuse') continue;
    const found = ledger.pricing.of(choice.called);
    if (found.priced) continue;
    if (critical) {
      decisions.push(`critical:unpriced:${ledger.budget.name}`);
      choice.degrade(ledger.budget);
      continue;
    }
    const why = {
      reason: found.reason,
      ...(found.priceCurrency ? { priceCurrency: found.priceCurrency } : {}),
    };
    return refuse(decisions, 403, 'unpriced_model', unpricedMessage(ledger.budget, choice.called, why), {
      budget: ledger.budget.name,
      pricing: why.reason === 'UnpricedModel' ? { unpriced: true } : { currency: why.priceCurrency ?? 'USD' },
    });
  }
  return undefined;
}

/**
 * Whether a call's worst case fits one budget: `fits` — its limits hold used + reserved + the worst
 * case, and this sidecar's slice of it (a lease, ADR 0062) covers the tokens; `slice` — the budget
 * has room but the slice has not; `budget` — the budget has not. A budget without limits always fits.
 */
export function budgetRoom(
  ledger: BudgetLedger,
  used: BudgetUse,
  worst: WorstCase,
): 'fits' | 'slice' | 'budget' {
  const lease = ledger.lease;
  const budgetFits = fits(ledger.budget, used, ledger.reserved, worst);
  const sliceFits =
    !lease ||
    lease.failing === true ||
    sliceRoom(lease, ledger.settled, ledger.reserved.tokens) >= worst.inputTokens + worst.outputTokens;
  if (budgetFits && sliceFits) return 'fits';
  return budgetFits && lease ? 'slice' : 'budget';
}

/**
 * The first budget the call's worst case (its input and `outputTokens`, priced as the model now
 * chosen) does not fit, and how (`budgetRoom`); undefined when it fits all. A critical agent is
 * never refused by a budget: the call is degraded instead (decision `critical:over-budget:<budget>`)
 * and the look goes on. Pure apart from the decisions appended and the choice degraded.
 */
export function budgetWithoutRoom<B extends BudgetInQuestion>(
  budgets: readonly B[],
  inputTokens: number,
  outputTokens: number,
  choice: ModelChoice,
  critical: boolean,
  decisions: string[],
): { entry: B; room: 'slice' | 'budget'; worst: WorstCase } | undefined {
  const usage = estimatedUsage(inputTokens, outputTokens);
  for (const entry of budgets) {
    const { ledger, used } = entry;
    if (ledger.budget.limitTokens === undefined && ledger.budget.limitCostMicros === undefined) continue;
    const worst: WorstCase = { inputTokens, outputTokens, costMicros: worstCost(entry, choice, usage) };
    const room = budgetRoom(ledger, used, worst);
    if (room === 'fits') continue;
    if (!critical) return { entry, room, worst };
    decisions.push(`critical:over-budget:${ledger.budget.name}`);
    choice.degrade(ledger.budget);
  }
  return undefined;
}

/** The 429 of a call that does not fit a budget (`room` from `budgetRoom`), naming it, its reset and when to retry. */
export function roomRefusal(
  room: 'slice' | 'budget',
  ledger: BudgetLedger,
  used: BudgetUse,
  worst: WorstCase,
  now: number,
  decisions: string[],
): Refusal {
  const resetsAt = new Date(ledger.end).toISOString();
  if (room === 'slice') {
    // The budget has room, this sidecar's slice has not: a renewal is asked for now (by the gate).
    return refuse(
      decisions,
      429,
      'budget_insufficient',
      sliceSpentMessage(ledger.budget, ledger.lease?.granted ?? 0, worst),
      { budget: ledger.budget.name, resetsAt, retryAfterSeconds: 1, sliceShort: true },
    );
  }
  const fitsLater = fits(ledger.budget, used, NOTHING_RESERVED, worst);
  return refuse(
    decisions,
    429,
    'budget_insufficient',
    insufficientMessage(ledger.budget, used, ledger.reserved, worst, resetsAt),
    {
      budget: ledger.budget.name,
      resetsAt,
      retryAfterSeconds:
        fitsLater && ledger.reserved.tokens + ledger.reserved.costMicros > 0
          ? IN_FLIGHT_RETRY_SECONDS
          : secondsUntil(ledger.end, now),
    },
  );
}
