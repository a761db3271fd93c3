import type { EffectivePolicy } from '../effective-policy.js';
import type { ReasoningBudget } from '../reasoning-budget.js';

export type EffectiveReasoning = EffectivePolicy['reasoning'];

/**
 * Reasoning budgets (TokenBudget `reasoningBudget`, or the sidecar file's `reasoning`) → the
 * effective limits: use cases become a map by name. With several budgets the tightest limit wins,
 * since each budget's limit must hold; so does an explicit Refuse over Simplify and Defer (else the
 * last budget's choice), and, between two Simplify, the
 * first budget's model (budgets come in name order) with the smaller output cap.
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
  onExceeded?: 'Refuse' | 'Simplify' | 'Defer' | undefined;
  simplify?: { model: string; maxTokens?: number | undefined } | undefined;
  defer?: { completionWindow?: '24h' | undefined } | undefined;
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
  if (from.onExceeded !== undefined && into.onExceeded !== 'Refuse') into.onExceeded = from.onExceeded;
  if (into.onExceeded === 'Refuse') {
    delete into.simplify;
    delete into.defer;
    return;
  }
  if (from.simplify !== undefined) into.simplify = tighterSimplify(into.simplify, from.simplify);
  if (from.defer !== undefined) into.defer = { ...from.defer };
}

type Simplify = NonNullable<Limits['simplify']>;

/** The first simplification named keeps its model; the smaller output cap of the two holds. */
function tighterSimplify(current: Simplify | undefined, next: Simplify): Simplify {
  const first = current ?? next;
  const caps = [current?.maxTokens, next.maxTokens].filter((c): c is number => c !== undefined);
  return caps.length === 0 ? { model: first.model } : { model: first.model, maxTokens: Math.min(...caps) };
}
