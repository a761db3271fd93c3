import { modelFamilyName } from '../../apis/pricing/model-name.js';
import type { ApiKind } from '../http/api-kind.js';
import { modelOutputLimit } from './model-output-limits.js';
import { tokenCount } from './provider-usage.js';

type Body = Record<string, unknown>;

/** Default `max_tokens` of the legacy completions API when a request sets none. */
const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

/**
 * The output-token limit a request asks for, per choice: `max_completion_tokens` (else `max_tokens`)
 * for chat, `max_tokens` for completions and messages, `max_output_tokens` for responses; undefined
 * when it sets none (embeddings produce no output tokens and answer undefined too).
 */
export function requestedMaxOutputTokens(api: ApiKind, body: Body): number | undefined {
  switch (api) {
    case 'chat.completions':
      return tokenCount(body['max_completion_tokens']) ?? tokenCount(body['max_tokens']);
    case 'completions':
    case 'messages':
      return tokenCount(body['max_tokens']);
    case 'responses':
      return tokenCount(body['max_output_tokens']);
    case 'embeddings':
      return undefined;
  }
}

/** How many answers a request asks for (`n`, and `best_of` for completions, which is billed whole). */
export function outputChoices(api: ApiKind, body: Body): number {
  if (api === 'chat.completions') return Math.max(1, tokenCount(body['n']) ?? 1);
  if (api === 'completions') return Math.max(1, tokenCount(body['n']) ?? 1, tokenCount(body['best_of']) ?? 1);
  return 1;
}

/**
 * The most output tokens a request can cost: its limit (or the model's maximum output when it sets
 * none — declared in `declaredLimits`, the policy's `outputLimits`, else built-in; 16 for
 * completions, the API's default) times its choices. Embeddings cost none.
 */
export function worstCaseOutputTokens(
  api: ApiKind,
  body: Body,
  model: string,
  declaredLimits?: Readonly<Record<string, number>>,
): number {
  if (api === 'embeddings') return 0;
  const perChoice =
    requestedMaxOutputTokens(api, body) ??
    (api === 'completions' ? COMPLETIONS_DEFAULT_MAX_TOKENS : modelOutputLimit(model, declaredLimits));
  return perChoice * outputChoices(api, body);
}

/** Reasoning models refuse `max_tokens` in chat; they take `max_completion_tokens`. */
function prefersMaxCompletionTokens(model: string): boolean {
  return /^(?:o\d|gpt-5)/.test(modelFamilyName(model));
}

/**
 * `body` with its output limit set to `max` in the field the API reads: the field(s) the request
 * already uses, else `max_completion_tokens` for reasoning chat models and `max_tokens` for other
 * chat models (what every OpenAI-compatible server accepts). Embeddings are returned unchanged.
 */
export function withMaxOutputTokens(api: ApiKind, body: Body, max: number, model: string): Body {
  switch (api) {
    case 'chat.completions': {
      const hasCompletion =
        body['max_completion_tokens'] !== undefined && body['max_completion_tokens'] !== null;
      const hasMax = body['max_tokens'] !== undefined && body['max_tokens'] !== null;
      if (hasCompletion || hasMax) {
        return {
          ...body,
          ...(hasCompletion ? { max_completion_tokens: max } : {}),
          ...(hasMax ? { max_tokens: max } : {}),
        };
      }
      return prefersMaxCompletionTokens(model)
        ? { ...body, max_completion_tokens: max }
        : { ...body, max_tokens: max };
    }
    case 'completions':
    case 'messages':
      return { ...body, max_tokens: max };
    case 'responses':
      return { ...body, max_output_tokens: max };
    case 'embeddings':
      return body;
  }
}
