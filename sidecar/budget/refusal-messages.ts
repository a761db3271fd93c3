import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { BudgetUse } from './local-phase.js';
import type { ReasoningLimits } from './reasoning-limits.js';

/**
 * The words of every refusal: which limit, which value, which budget, and what the agent can do.
 * Pure, so each message is checked in a table test.
 */

function money(micros: number, currency: string): string {
  return `${(micros / 1_000_000).toFixed(2)} ${currency}`;
}

function usedOfLimit(budget: EffectiveBudget, used: BudgetUse): string {
  const parts: string[] = [];
  if (budget.limitTokens !== undefined) parts.push(`${used.tokens} of ${budget.limitTokens} tokens`);
  if (budget.limitCostMicros !== undefined) {
    parts.push(
      `${money(used.costMicros, budget.currency)} of ${money(budget.limitCostMicros, budget.currency)}`,
    );
  }
  return parts.join(' and ');
}

export function exhaustedMessage(budget: EffectiveBudget, used: BudgetUse, resetsAt: string): string {
  const usage = usedOfLimit(budget, used);
  return `Token budget "${budget.name}" is exhausted${usage ? `: ${usage} used this period` : ''}. It resets at ${resetsAt}.`;
}

export function sliceSpentMessage(
  budget: EffectiveBudget,
  granted: number,
  worst: { inputTokens: number; outputTokens: number },
): string {
  const worstTokens = worst.inputTokens + worst.outputTokens;
  return (
    `Token budget "${budget.name}" has room, but this sidecar's lease of it (${granted} tokens, ` +
    `shared with the agent's other replicas) cannot cover this request's worst case of ${worstTokens} tokens now. ` +
    'A larger slice is being asked for: retry in a second, or lower max_tokens.'
  );
}

export function insufficientMessage(
  budget: EffectiveBudget,
  used: BudgetUse,
  reserved: BudgetUse,
  worst: { inputTokens: number; outputTokens: number; costMicros: number },
  resetsAt: string,
): string {
  const worstTokens = worst.inputTokens + worst.outputTokens;
  const lines: string[] = [];
  if (budget.limitTokens !== undefined && used.tokens + reserved.tokens + worstTokens > budget.limitTokens) {
    const left = Math.max(0, budget.limitTokens - used.tokens - reserved.tokens);
    lines.push(
      `its worst case is ${worstTokens} tokens (${worst.inputTokens} input + ${worst.outputTokens} output), ` +
        `but ${used.tokens} used and ${reserved.tokens} reserved by calls in flight leave ${left} of ${budget.limitTokens} tokens`,
    );
  }
  if (
    budget.limitCostMicros !== undefined &&
    used.costMicros + reserved.costMicros + worst.costMicros > budget.limitCostMicros
  ) {
    const left = Math.max(0, budget.limitCostMicros - used.costMicros - reserved.costMicros);
    lines.push(
      `its worst case costs ${money(worst.costMicros, budget.currency)}, but ${money(left, budget.currency)} ` +
        `of ${money(budget.limitCostMicros, budget.currency)} are left after usage and calls in flight`,
    );
  }
  return (
    `Token budget "${budget.name}" cannot cover this request: ${lines.join('; ')}. ` +
    `Lower max_tokens, or retry when calls in flight have finished; the budget resets at ${resetsAt}.`
  );
}

/**
 * A budget with rule Refuse meets a call it cannot price: name the budget, the model and what is
 * missing, and how to fix it.
 */
export function unpricedMessage(
  budget: EffectiveBudget,
  model: string,
  why: { reason: 'UnpricedModel' | 'UnconvertibleCurrency'; priceCurrency?: string },
): string {
  const missing =
    why.reason === 'UnpricedModel'
      ? `model "${model}" has no price (no ModelCatalog declares it and the built-in table does not know it)`
      : `model "${model}" is priced in ${why.priceCurrency}, and no ModelCatalog declares an exchange rate ` +
        `between ${why.priceCurrency} and ${budget.currency}`;
  return (
    `Token budget "${budget.name}" counts cost in ${budget.currency} and refuses calls it cannot price ` +
    `(unpricedModels: Refuse): ${missing}. Declare the price in a ModelCatalog, or call a priced model.`
  );
}

export function throttledMessage(
  budget: EffectiveBudget,
  perMinute: number,
  retryAfterSeconds: number,
): string {
  return (
    `Token budget "${budget.name}" throttles this agent to ${perMinute} requests per minute ` +
    `(Throttle is in force); retry in ${retryAfterSeconds} s.`
  );
}

function useCaseNote(limits: ReasoningLimits): string {
  return limits.useCase ? ` for use case "${limits.useCase}"` : '';
}

export function callsPerTraceMessage(traceId: string, calls: number, limits: ReasoningLimits): string {
  return (
    `Reasoning budget exceeded: trace ${traceId} has already made ${calls} calls, ` +
    `and at most ${limits.maxCallsPerTrace} calls per trace are allowed${useCaseNote(limits)}.`
  );
}

export function inputTokensMessage(estimated: number, limits: ReasoningLimits): string {
  return (
    `Reasoning budget exceeded: this request's input is estimated at ${estimated} tokens, more than ` +
    `maxInputTokensPerRequest ${limits.maxInputTokensPerRequest}${useCaseNote(limits)}. Send a shorter ` +
    'prompt (the estimate counts generously, about a third above most tokenizers).'
  );
}

export function chainDepthMessage(depth: number, limits: ReasoningLimits): string {
  return (
    `Reasoning budget exceeded: chain depth ${depth} (header x-governor-chain-depth) is deeper than ` +
    `the maximum of ${limits.maxChainDepth}${useCaseNote(limits)}.`
  );
}

export function shedMessage(slo: string, agent: { namespace: string; name: string }): string {
  return (
    `SLO "${slo}" is burning its error budget fast and sheds non-critical agents (ShedNonCritical); ` +
    `agent ${agent.namespace}/${agent.name} is not critical, so this call is refused until the burn rate drops.`
  );
}
