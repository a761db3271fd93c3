import type { EffectivePolicy } from '../../apis/effective-policy.js';

/** The reasoning budget that applies to one request. */
export interface ReasoningLimits {
  maxTokensPerRequest?: number;
  /** Most estimated input tokens of one request (never lowered by an SLO: it bounds the question, not the thinking). */
  maxInputTokensPerRequest?: number;
  maxCallsPerTrace?: number;
  maxChainDepth?: number;
  /** The use case whose limits applied (when the policy has limits for it). */
  useCase?: string;
  /** LowerReasoningBudget is in force: maxTokensPerRequest was scaled to this percent by this SLO. */
  lowered?: { percent: number; slo: string };
  /** What a call past a limit gets (absent: Refuse); maxInputTokensPerRequest always refuses. */
  onExceeded?: 'Refuse' | 'Simplify' | 'Defer';
  /** The cheaper model and its output cap, with Simplify. */
  simplify?: { model: string; maxTokens?: number };
  /** The batch's completion window, with Defer. */
  defer?: { completionWindow: string };
}

/** Fast-burn actions of the policy's SLOs that the sidecar applies itself. */
export interface FastBurn {
  /** An SLO sheds non-critical agents (ShedNonCritical). */
  shedBy?: string;
  /** The lowest reasoning-budget percent among SLOs that lower it (LowerReasoningBudget). */
  lower?: { percent: number; slo: string };
}

/** Used when an SLO lowers the reasoning budget without saying by how much. */
export const DEFAULT_REASONING_BUDGET_PERCENT = 50;

export function fastBurn(policy: EffectivePolicy): FastBurn {
  const result: FastBurn = {};
  for (const slo of policy.slos) {
    if (slo.fastBurnActions.includes('ShedNonCritical') && result.shedBy === undefined)
      result.shedBy = slo.name;
    if (slo.fastBurnActions.includes('LowerReasoningBudget')) {
      const percent = slo.reasoningBudgetPercent ?? DEFAULT_REASONING_BUDGET_PERCENT;
      if (!result.lower || percent < result.lower.percent) result.lower = { percent, slo: slo.name };
    }
  }
  return result;
}

/**
 * The limits for a request of `useCase`: the use case's own limits where it sets them, the
 * policy-wide ones otherwise; maxTokensPerRequest scaled down (never below 1) while an SLO lowers
 * the reasoning budget.
 */
export function reasoningLimits(
  policy: EffectivePolicy,
  useCase: string | undefined,
  burn: FastBurn,
): ReasoningLimits {
  const { useCases, ...base } = policy.reasoning;
  const own = useCase === undefined ? undefined : useCases[useCase];
  const limits: ReasoningLimits = {};
  const tokens = own?.maxTokensPerRequest ?? base.maxTokensPerRequest;
  const input = own?.maxInputTokensPerRequest ?? base.maxInputTokensPerRequest;
  const calls = own?.maxCallsPerTrace ?? base.maxCallsPerTrace;
  const depth = own?.maxChainDepth ?? base.maxChainDepth;
  if (input !== undefined) limits.maxInputTokensPerRequest = input;
  if (calls !== undefined) limits.maxCallsPerTrace = calls;
  if (depth !== undefined) limits.maxChainDepth = depth;
  if (own !== undefined && useCase !== undefined) limits.useCase = useCase;
  const onExceeded = own?.onExceeded ?? base.onExceeded;
  const simplify = own?.simplify ?? base.simplify;
  if (onExceeded === 'Defer') {
    limits.onExceeded = 'Defer';
    limits.defer = { completionWindow: (own?.defer ?? base.defer)?.completionWindow ?? '24h' };
  }
  if (onExceeded === 'Simplify' && simplify !== undefined) {
    limits.onExceeded = 'Simplify';
    limits.simplify =
      simplify.maxTokens === undefined
        ? { model: simplify.model }
        : { model: simplify.model, maxTokens: simplify.maxTokens };
  }
  if (tokens !== undefined) {
    if (burn.lower) {
      limits.maxTokensPerRequest = Math.max(1, Math.floor((tokens * burn.lower.percent) / 100));
      limits.lowered = burn.lower;
    } else {
      limits.maxTokensPerRequest = tokens;
    }
  }
  return limits;
}
