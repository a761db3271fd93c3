import type { TokenUsage } from './token-usage.js';

/**
 * The usage objects of each provider API, turned into TokenUsage. Each reader answers undefined when
 * the object is not a usage report (absent, null, or without its token counts), so a caller can tell
 * "the provider said nothing" from "the provider said zero".
 */

/** A token count as providers send it: a non-negative integer. */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** OpenAI chat.completions, completions and embeddings: `prompt_tokens`, `completion_tokens`, cached in `prompt_tokens_details`. */
export function openAiUsage(usage: unknown): TokenUsage | undefined {
  const u = record(usage);
  const input = tokenCount(u?.['prompt_tokens']);
  if (u === undefined || input === undefined) return undefined;
  return {
    inputTokens: input,
    outputTokens: tokenCount(u['completion_tokens']) ?? 0,
    cachedInputTokens: tokenCount(record(u['prompt_tokens_details'])?.['cached_tokens']) ?? 0,
    estimated: false,
  };
}

/** OpenAI Responses API: `input_tokens`, `output_tokens`, cached in `input_tokens_details`. */
export function responsesUsage(usage: unknown): TokenUsage | undefined {
  const u = record(usage);
  const input = tokenCount(u?.['input_tokens']);
  const output = tokenCount(u?.['output_tokens']);
  if (u === undefined || input === undefined || output === undefined) return undefined;
  return {
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: tokenCount(record(u['input_tokens_details'])?.['cached_tokens']) ?? 0,
    estimated: false,
  };
}

/** The fields of an Anthropic usage object that are present, as numbers. */
export interface AnthropicUsageFields {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export function anthropicUsageFields(usage: unknown): AnthropicUsageFields | undefined {
  const u = record(usage);
  if (u === undefined) return undefined;
  const fields: AnthropicUsageFields = {};
  const input = tokenCount(u['input_tokens']);
  const output = tokenCount(u['output_tokens']);
  const cacheRead = tokenCount(u['cache_read_input_tokens']);
  const cacheWrite = tokenCount(u['cache_creation_input_tokens']);
  if (input !== undefined) fields.input = input;
  if (output !== undefined) fields.output = output;
  if (cacheRead !== undefined) fields.cacheRead = cacheRead;
  if (cacheWrite !== undefined) fields.cacheWrite = cacheWrite;
  return fields;
}

/**
 * Anthropic Messages: its `input_tokens` exclude the tokens read from and written to the prompt
 * cache, so total input is input + cache read + cache creation; cache reads are the cached input.
 */
export function anthropicUsage(fields: AnthropicUsageFields): TokenUsage {
  const cacheRead = fields.cacheRead ?? 0;
  const cacheWrite = fields.cacheWrite ?? 0;
  const usage: TokenUsage = {
    inputTokens: (fields.input ?? 0) + cacheRead + cacheWrite,
    outputTokens: fields.output ?? 0,
    cachedInputTokens: cacheRead,
    estimated: false,
  };
  if (cacheWrite > 0) usage.cacheWriteInputTokens = cacheWrite;
  return usage;
}
