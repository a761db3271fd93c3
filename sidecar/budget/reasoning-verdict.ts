import type { ApiKind } from '../http/api-kind.js';
import type { ReasoningLimits } from './reasoning-limits.js';
import { callsPerTraceMessage, chainDepthMessage, inputTokensMessage } from './refusal-messages.js';

/** The limits of a reasoning budget, by their policy field names. */
export type ReasoningLimitName =
  | 'maxTokensPerRequest'
  | 'maxInputTokensPerRequest'
  | 'maxCallsPerTrace'
  | 'maxChainDepth';

/** Which limit a call passed: its value in the policy and what the call showed. */
export interface Exceeded {
  limit: ReasoningLimitName;
  value: number;
  actual: number;
}

/** What the reasoning budget asks about one call. */
export interface ReasoningQuestion {
  api: ApiKind;
  estimatedInputTokens: number;
  requestedMaxOutputTokens?: number;
  chainDepth?: number;
  traceId: string;
  /** Calls the trace made before this one (0 for a trace id the sidecar made up). */
  callsInTrace: number;
}

/**
 * What the reasoning budget says about a call (docs/adr/0047-simpler-answer-past-the-reasoning-budget.md):
 * - `admit`: within every limit, or past maxTokensPerRequest under Refuse (the gate then clamps the output);
 * - `refuse`: 400 past maxInputTokensPerRequest (always: a cheaper model cannot shrink the question),
 *   429 past maxCallsPerTrace or maxChainDepth under Refuse;
 * - `simplify`: past maxTokensPerRequest, maxCallsPerTrace or maxChainDepth under Simplify: the
 *   cheaper `model` answers, its output capped at `maxOutputTokens` (absent: what the request asked).
 */
export type ReasoningVerdict =
  | { kind: 'admit' }
  | {
      kind: 'refuse';
      status: 400 | 429;
      message: string;
      /** The request field at fault (the input field of a 400). */
      param?: string;
      exceeded: Exceeded;
    }
  | { kind: 'simplify'; model: string; maxOutputTokens?: number; exceeded: Exceeded }
  /** Past maxCallsPerTrace or maxChainDepth under Defer: the call goes to the provider's batch API. */
  | { kind: 'defer'; completionWindow: string; exceeded: Exceeded };

/** The request field that carries a call's input, per API (the `param` of an input-tokens refusal). */
const INPUT_FIELD: Record<ApiKind, string> = {
  'chat.completions': 'messages',
  messages: 'messages',
  responses: 'input',
  completions: 'prompt',
  embeddings: 'input',
};

const ADMIT: ReasoningVerdict = Object.freeze({ kind: 'admit' });

/** Judges one call against its reasoning limits (pure; the limits come from `reasoningLimits`). */
export function reasoningVerdict(question: ReasoningQuestion, limits: ReasoningLimits): ReasoningVerdict {
  const input = limits.maxInputTokensPerRequest;
  if (input !== undefined && question.estimatedInputTokens > input) {
    // The same question cannot fit later nor on another model: a client error, as providers answer
    // a prompt that is too long.
    return {
      kind: 'refuse',
      status: 400,
      message: inputTokensMessage(question.estimatedInputTokens, limits),
      param: INPUT_FIELD[question.api],
      exceeded: { limit: 'maxInputTokensPerRequest', value: input, actual: question.estimatedInputTokens },
    };
  }
  const depth = question.chainDepth ?? 0;
  const maxDepth = limits.maxChainDepth;
  if (maxDepth !== undefined && depth > maxDepth) {
    const exceeded: Exceeded = { limit: 'maxChainDepth', value: maxDepth, actual: depth };
    return past(question, exceeded, limits, () => chainDepthMessage(depth, limits));
  }
  const maxCalls = limits.maxCallsPerTrace;
  const calls = question.callsInTrace;
  if (maxCalls !== undefined && calls >= maxCalls) {
    // The call would be the trace's (calls + 1)th: the limit is passed by one.
    const exceeded: Exceeded = { limit: 'maxCallsPerTrace', value: maxCalls, actual: calls + 1 };
    return past(question, exceeded, limits, () => callsPerTraceMessage(question.traceId, calls, limits));
  }
  const maxTokens = limits.maxTokensPerRequest;
  const asked = question.requestedMaxOutputTokens;
  if (
    limits.onExceeded === 'Simplify' &&
    maxTokens !== undefined &&
    asked !== undefined &&
    asked > maxTokens &&
    question.api !== 'embeddings'
  ) {
    return simplified({ limit: 'maxTokensPerRequest', value: maxTokens, actual: asked }, limits);
  }
  return ADMIT;
}

function past(
  question: ReasoningQuestion,
  exceeded: Exceeded,
  limits: ReasoningLimits,
  message: () => string,
): ReasoningVerdict {
  // An embedding has no simpler answer: a chat model cannot give one.
  if (limits.onExceeded === 'Simplify' && question.api !== 'embeddings') return simplified(exceeded, limits);
  if (limits.onExceeded === 'Defer' && limits.defer)
    return { kind: 'defer', completionWindow: limits.defer.completionWindow, exceeded };
  return { kind: 'refuse', status: 429, message: message(), exceeded };
}

/** The simplified call: the cheaper model, its output capped at simplify.maxTokens, never above maxTokensPerRequest. */
function simplified(exceeded: Exceeded, limits: ReasoningLimits): ReasoningVerdict {
  const simplify = limits.simplify;
  // reasoningLimits sets Simplify only with a model; without one there is nothing to simplify to.
  if (!simplify) return ADMIT;
  const caps = [simplify.maxTokens, limits.maxTokensPerRequest].filter((c): c is number => c !== undefined);
  const verdict: ReasoningVerdict = { kind: 'simplify', model: simplify.model, exceeded };
  if (caps.length > 0) verdict.maxOutputTokens = Math.min(...caps);
  return verdict;
}

/** `reasoning-exceeded:<limit>=<value>`, the decision naming the limit a call passed. */
export function exceededDecision(exceeded: Exceeded): string {
  return `reasoning-exceeded:${exceeded.limit}=${exceeded.value}`;
}
