import type { EffectivePolicy } from '../effective-policy.js';
import type { ReasoningBudget } from '../reasoning-budget.js';

export type EffectiveReasoning = EffectivePolicy['reasoning'];

/**
 * Reasoning budgets (TokenBudget `reasoningBudget`, or the sidecar file's `reasoning`) → the
 * effective limits: use cases become a map by name. With several budgets the tightest limit wins,
 * since each budget's limit must hold.
 */
export function compileReasoning(budgets: (ReasoningBudget | undefined)[]): EffectiveReasoning {
  const result: EffectiveReasoning = { useCases: {} };
  for (const budget of budgets) {
    if (!budget) continue;
    tighten(result, budget);
    for (const useCase of budget.useCases ?? []) {
      const entry = result.useCases[useCase.name] ?? {};
      tighten(entry, useCase);
      result.useCases[useCase.name] = entry;
    }
  }
  return result;
}

type Limits = {
  maxTokensPerRequest?: number;
  maxInputTokensPerRequest?: number;
  maxCallsPerTrace?: number;
  maxChainDepth?: number;
};

const LIMITS = [
  'maxTokensPerRequest',
  'maxInputTokensPerRequest',
  'maxCallsPerTrace',
  'maxChainDepth',
] as const;

function tighten(into: Limits, from: Limits): void {
  for (const key of LIMITS) {
    const value = from[key];
    if (value === undefined) continue;
    const current = into[key];
    into[key] = current === undefined ? value : Math.min(current, value);
  }
}
