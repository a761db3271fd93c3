import type { GateRequest, GateVerdict, Simplified } from './gate-verdict.js';
import { refuse } from './gate-verdict.js';
import type { ReasoningLimits } from './reasoning-limits.js';
import { exceededDecision, type ReasoningQuestion, reasoningVerdict } from './reasoning-verdict.js';
import { clampTo, reservedOutput } from './worst-case.js';

/** What the reasoning budget lets an admitted call produce: its output cap and what is reserved for it. */
export interface OutputAllowance {
  kind: 'allow';
  /** The max output tokens to set on the request (a clamp, or the simplified call's cap). */
  maxOutputTokens: number | undefined;
  /** Present when the call goes to the cheaper model (onExceeded: Simplify). */
  simplified: Simplified | undefined;
  /** Output tokens to reserve: the worst case under the cap. */
  outputTokens: number;
}

/**
 * What the reasoning budget says about a call (pure): a refusal or a deferral (a verdict of the gate,
 * with its decisions), or the output it may produce — the simplified call's cap, else the clamp of
 * `maxTokensPerRequest` — and the output tokens reserved for it. `callsInTrace` are the calls of the
 * trace before this one. Decisions taken are appended.
 */
export function outputAllowance(
  request: GateRequest,
  limits: ReasoningLimits,
  callsInTrace: number,
  decisions: string[],
): OutputAllowance | Exclude<GateVerdict, { kind: 'admit' }> {
  const question: ReasoningQuestion = {
    api: request.api,
    estimatedInputTokens: request.estimatedInputTokens,
    traceId: request.traceId,
    callsInTrace,
  };
  if (request.requestedMaxOutputTokens !== undefined)
    question.requestedMaxOutputTokens = request.requestedMaxOutputTokens;
  if (request.chainDepth !== undefined) question.chainDepth = request.chainDepth;
  const reasoning = reasoningVerdict(question, limits);
  if (reasoning.kind === 'refuse') {
    return refuse(
      decisions,
      reasoning.status,
      'reasoning_budget_exceeded',
      reasoning.message,
      reasoning.param !== undefined ? { param: reasoning.param } : {},
    );
  }
  if (reasoning.kind === 'defer') {
    decisions.push('deferred', exceededDecision(reasoning.exceeded));
    return {
      kind: 'defer',
      exceeded: reasoning.exceeded,
      completionWindow: reasoning.completionWindow,
      decisions,
    };
  }
  if (reasoning.kind === 'simplify') {
    // The cheaper model answers within its own cap; the use case's clamp and SLO scaling are in that cap.
    decisions.push(`simplified:${reasoning.model}`, exceededDecision(reasoning.exceeded));
    return {
      kind: 'allow',
      maxOutputTokens: reasoning.maxOutputTokens,
      simplified: { model: reasoning.model, exceeded: reasoning.exceeded },
      outputTokens: reservedOutput(request, reasoning.maxOutputTokens),
    };
  }
  const clamp = clampTo(request, limits);
  for (const decision of clamp.decisions) decisions.push(decision);
  const maxOutputTokens = clamp.maxOutputTokens;
  return {
    kind: 'allow',
    maxOutputTokens,
    simplified: undefined,
    outputTokens: reservedOutput(request, maxOutputTokens ?? limits.maxTokensPerRequest),
  };
}
