/** Tokens of one call. `estimated` is true when a tokenizer counted them because the provider did not. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of inputTokens for OpenAI). */
  cachedInputTokens: number;
  /** Input tokens written to Anthropic's prompt cache (a subset of inputTokens, priced higher); absent elsewhere. */
  cacheWriteInputTokens?: number;
  estimated: boolean;
}

export const NO_USAGE: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  estimated: false,
});
