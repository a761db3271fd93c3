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

/** The clamp that changes nothing (shared: read only). */
const NO_CLAMP: { maxOutputTokens?: number; decisions: string[] } = Object.freeze({
  decisions: Object.freeze([]) as unknown as string[],
});
/** `clamped:max_tokens=<limit>` per limit: a policy has a few limits, and the hot path needs no new string. */
const clampDecisions = new Map<number, string>();

function clampDecision(limit: number): string {
  let decision = clampDecisions.get(limit);
  if (decision === undefined) {
    decision = `clamped:max_tokens=${limit}`;
    if (clampDecisions.size >= 256) clampDecisions.clear();
    clampDecisions.set(limit, decision);
  }
  return decision;
}

/**
 * The max output tokens to set on the request when the reasoning budget changes it: the limit when
 * the request asks for more, or for nothing (then the limit is set); undefined when it asks for less.
 * The answer is read only.
 */
export function clampTo(
  request: Pick<GateRequest, 'api' | 'requestedMaxOutputTokens'>,
  limits: ReasoningLimits,
): { maxOutputTokens?: number; decisions: string[] } {
  const limit = limits.maxTokensPerRequest;
  if (limit === undefined || request.api === 'embeddings') return NO_CLAMP;
  const asked = request.requestedMaxOutputTokens;
  const fits = asked !== undefined && asked <= limit;
  if (!limits.lowered) return fits ? NO_CLAMP : { maxOutputTokens: limit, decisions: [clampDecision(limit)] };
  const lowered = `reasoning-lowered:${limits.lowered.percent}%:${limits.lowered.slo}`;
  if (fits) return { decisions: [lowered] };
  return { maxOutputTokens: limit, decisions: [lowered, clampDecision(limit)] };
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
