import { modelFamilyName } from '../../apis/pricing/model-name.js';
import type { ApiKind } from '../http/api-kind.js';
import { modelOutputLimit } from './model-output-limits.js';
import { tokenCount } from './provider-usage.js';

type Body = Record<string, unknown>;

/** Default `max_tokens` of the legacy completions API when a request sets none. */
const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

/** What a request asks for its output: the limit per answer and how many answers. */
export interface OutputLimit {
  /**
   * Max output tokens per choice: `max_completion_tokens` (else `max_tokens`) for chat, `max_tokens`
   * for completions and messages, `max_output_tokens` for responses; undefined when the request sets
   * none (embeddings produce no output tokens and answer undefined too).
   */
  requested: number | undefined;
  /** How many answers: `n`, and `best_of` for completions (billed whole); 1 for the other APIs. */
  choices: number;
}

/** The output limit and answer count of a request, read once. */
export function outputLimitOf(api: ApiKind, body: Body): OutputLimit {
  switch (api) {
    case 'chat.completions':
      return {
        requested: tokenCount(body['max_completion_tokens']) ?? tokenCount(body['max_tokens']),
        choices: Math.max(1, tokenCount(body['n']) ?? 1),
      };
    case 'completions':
      return {
        requested: tokenCount(body['max_tokens']),
        choices: Math.max(1, tokenCount(body['n']) ?? 1, tokenCount(body['best_of']) ?? 1),
      };
    case 'messages':
      return { requested: tokenCount(body['max_tokens']), choices: 1 };
    case 'responses':
      return { requested: tokenCount(body['max_output_tokens']), choices: 1 };
    case 'embeddings':
      return { requested: undefined, choices: 1 };
  }
}

/**
 * The most output tokens a request can cost: its limit (or the model's maximum output when it sets
 * none — declared in `declaredLimits`, the policy's `outputLimits`, else built-in; 16 for
 * completions, the API's default) times its choices. Embeddings cost none.
 */
export function worstCaseOutput(
  api: ApiKind,
  limit: OutputLimit,
  model: string,
  declaredLimits?: Readonly<Record<string, number>>,
): number {
  if (api === 'embeddings') return 0;
  const perChoice =
    limit.requested ??
    (api === 'completions' ? COMPLETIONS_DEFAULT_MAX_TOKENS : modelOutputLimit(model, declaredLimits));
  return perChoice * limit.choices;
}

const reasoningModels = new Map<string, boolean>();

/** Reasoning models refuse `max_tokens` in chat; they take `max_completion_tokens`. Known per model name. */
function prefersMaxCompletionTokens(model: string): boolean {
  let prefers = reasoningModels.get(model);
  if (prefers === undefined) {
    prefers = /^(?:o\d|gpt-5)/.test(modelFamilyName(model));
    if (reasoningModels.size >= 1_000) reasoningModels.clear();
    reasoningModels.set(model, prefers);
  }
  return prefers;
}

/**
 * The fields that set a request's output limit to `max`, in the field the API reads: the field(s) the
 * request already uses, else `max_completion_tokens` for reasoning chat models and `max_tokens` for
 * other chat models (what every OpenAI-compatible server accepts). None for embeddings.
 */
export function maxOutputTokenFields(api: ApiKind, body: Body, max: number, model: string): Body {
  switch (api) {
    case 'chat.completions': {
      const hasCompletion =
        body['max_completion_tokens'] !== undefined && body['max_completion_tokens'] !== null;
      const hasMax = body['max_tokens'] !== undefined && body['max_tokens'] !== null;
      if (hasCompletion && hasMax) return { max_completion_tokens: max, max_tokens: max };
      if (hasCompletion) return { max_completion_tokens: max };
      if (hasMax) return { max_tokens: max };
      return prefersMaxCompletionTokens(model) ? { max_completion_tokens: max } : { max_tokens: max };
    }
    case 'completions':
    case 'messages':
      return { max_tokens: max };
    case 'responses':
      return { max_output_tokens: max };
    case 'embeddings':
      return {};
  }
}
