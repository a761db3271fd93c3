import type { RequestRecord } from './request-record.js';

/** What the budget gate did with a call, in one word (span attribute, capture record, `agent-governor trace`). */
export type BudgetDecision =
  | 'not-reached'
  | 'admitted'
  | 'clamped'
  | 'degraded'
  | 'simplified'
  | 'deferred'
  | 'refused';

/** Refusals taken before or beside the gate: they are not the budget's. */
const NOT_BUDGET = /^refused:(residency|prompt-template|model_not_found)/;

/**
 * The budget decision of a finished call, read from its decisions: the strongest of refused, deferred,
 * simplified, degraded, clamped, else admitted; `not-reached` when the call ended before the gate (a
 * bad request, no route, residency, a prompt template). Pure.
 */
export function budgetDecision(
  record: Pick<RequestRecord, 'decisions' | 'simplified' | 'timings'>,
): BudgetDecision {
  let refused = false;
  let deferred = false;
  let degraded = false;
  let clamped = false;
  for (const decision of record.decisions) {
    if (decision.startsWith('refused:')) refused ||= !NOT_BUDGET.test(decision);
    else if (decision.startsWith('deferred-id:')) deferred = true;
    else if (decision.startsWith('degraded:')) degraded = true;
    else if (decision.startsWith('clamped:')) clamped = true;
  }
  if (refused) return 'refused';
  if (deferred) return 'deferred';
  if (record.timings.steps?.['budget'] === undefined) return 'not-reached';
  if (record.simplified !== undefined) return 'simplified';
  if (degraded) return 'degraded';
  if (clamped) return 'clamped';
  return 'admitted';
}
