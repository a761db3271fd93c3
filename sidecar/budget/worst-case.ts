import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { TokenUsage } from '../accounting/token-usage.js';
import type { GateRequest } from './gate-verdict.js';
import type { BudgetUse } from './local-phase.js';
import type { ReasoningLimits } from './reasoning-limits.js';

/** The most a call can cost: what is reserved for it until it settles. */
export interface WorstCase {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

/** Usage of a call that has not happened yet, for pricing its worst case. */
export function estimatedUsage(inputTokens: number, outputTokens: number): TokenUsage {
  return { inputTokens, outputTokens, cachedInputTokens: 0, estimated: true };
}

/** True when used + reserved + this worst case stays within every limit of the budget. */
export function fits(
  budget: EffectiveBudget,
  used: BudgetUse,
  reserved: BudgetUse,
  worst: WorstCase,
): boolean {
  const tokens = worst.inputTokens + worst.outputTokens;
  if (budget.limitTokens !== undefined && used.tokens + reserved.tokens + tokens > budget.limitTokens)
    return false;
  if (
    budget.limitCostMicros !== undefined &&
    used.costMicros + reserved.costMicros + worst.costMicros > budget.limitCostMicros
  ) {
    return false;
  }
  return true;
}

/**
 * The max output tokens to set on the request when the reasoning budget changes it: the limit when
 * the request asks for more, or for nothing (then the limit is set); undefined when it asks for less.
 */
export function clampTo(
  request: Pick<GateRequest, 'api' | 'requestedMaxOutputTokens'>,
  limits: ReasoningLimits,
): { maxOutputTokens?: number; decisions: string[] } {
  const limit = limits.maxTokensPerRequest;
  if (limit === undefined || request.api === 'embeddings') return { decisions: [] };
  const decisions = limits.lowered
    ? [`reasoning-lowered:${limits.lowered.percent}%:${limits.lowered.slo}`]
    : [];
  const asked = request.requestedMaxOutputTokens;
  if (asked !== undefined && asked <= limit) return { decisions };
  return { maxOutputTokens: limit, decisions: [...decisions, `clamped:max_tokens=${limit}`] };
}

/** Output tokens to reserve: the worst case, with a clamp applied per choice. */
export function reservedOutput(
  request: Pick<GateRequest, 'api' | 'requestedMaxOutputTokens' | 'worstCaseOutputTokens' | 'choices'>,
  clamp: number | undefined,
): number {
  const worst = request.worstCaseOutputTokens;
  if (clamp === undefined || request.api === 'embeddings') return worst;
  const asked = request.requestedMaxOutputTokens;
  const choices = request.choices ?? (asked ? Math.max(1, Math.round(worst / asked)) : 1);
  return Math.min(worst, clamp * choices);
}
