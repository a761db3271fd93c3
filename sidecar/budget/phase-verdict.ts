import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { BudgetLedger } from './budget-ledger.js';
import { type Refusal, refuse, secondsUntil } from './gate-verdict.js';
import type { BudgetUse, PhaseDecision } from './local-phase.js';
import { exhaustedMessage, throttledMessage } from './refusal-messages.js';
import type { ThrottleBucket } from './throttle-bucket.js';

/** A budget that applies to a request, with its use and phase at admission. */
export interface EvaluatedBudget {
  ledger: BudgetLedger;
  used: BudgetUse;
  state: PhaseDecision;
}

export interface PhaseVerdict {
  refusal?: Refusal;
  /** The first budget whose phase asks to degrade (Degrade in force, or exhausted for a critical agent). */
  degradeFor?: EffectiveBudget;
  /** Throttle buckets to take a token from once the call is admitted. */
  buckets: ThrottleBucket[];
}

/**
 * What the budgets' phases say about a call: an exhausted budget refuses a non-critical agent with
 * 429 (naming the budget and its reset) and degrades a critical one; Degrade asks for the cheaper
 * model; Throttle refuses with 429 while its bucket is empty. Decisions taken are appended.
 */
export function phaseVerdict(
  evaluated: EvaluatedBudget[],
  critical: boolean,
  now: number,
  decisions: string[],
): PhaseVerdict {
  let degradeFor: EffectiveBudget | undefined;
  for (const { ledger, used, state } of evaluated) {
    const budget = ledger.budget;
    if (state.phase === 'Exhausted') {
      if (!critical) {
        const resetsAt = new Date(ledger.end).toISOString();
        return {
          refusal: refuse(decisions, 429, 'budget_exhausted', exhaustedMessage(budget, used, resetsAt), {
            budget: budget.name,
            resetsAt,
            retryAfterSeconds: secondsUntil(ledger.end, now),
          }),
          buckets: [],
        };
      }
      decisions.push(`critical:exhausted:${budget.name}`);
      degradeFor ??= budget;
    } else if (state.phase === 'Warning') {
      decisions.push(`warning:${budget.name}`);
    }
    if (state.actions.includes('Degrade')) degradeFor ??= budget;
  }

  const buckets: ThrottleBucket[] = [];
  for (const { ledger, state } of evaluated) {
    if (!state.actions.includes('Throttle')) continue;
    const bucket = ledger.throttle(now);
    if (!bucket) {
      decisions.push(`throttle:no-rate:${ledger.budget.name}`);
      continue;
    }
    const wait = bucket.waitMs(now);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      return {
        refusal: refuse(
          decisions,
          429,
          'throttled',
          throttledMessage(ledger.budget, bucket.perMinute, seconds),
          {
            budget: ledger.budget.name,
            retryAfterSeconds: seconds,
          },
        ),
        buckets: [],
      };
    }
    buckets.push(bucket);
  }
  return degradeFor ? { degradeFor, buckets } : { buckets };
}
