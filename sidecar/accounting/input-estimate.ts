import type { ApiKind } from '../http/api-kind.js';
import { fastTokenCount } from './fast-token-count.js';
import type { RequestText } from './request-text.js';
import { estimateTokens } from './tokenizer.js';

/** Framing tokens per message (role, separators), as OpenAI's cookbook counts them for chat models. */
const TOKENS_PER_MESSAGE = 3;
/** Every chat reply is primed with `<|start|>assistant<|message|>`. */
const REPLY_PRIMING = 3;
/** An image at OpenAI's high detail (up to 6 tiles × 170 + 85) or about 1.15 megapixels for Anthropic. */
const IMAGE_TOKENS: Record<ApiKind, number> = {
  'chat.completions': 1105,
  responses: 1105,
  messages: 1600,
  completions: 0,
  embeddings: 0,
};

function framing(api: ApiKind, text: RequestText): number {
  const perMessage = api === 'completions' || api === 'embeddings' ? 0 : TOKENS_PER_MESSAGE;
  const priming = api === 'chat.completions' || api === 'responses' || api === 'messages' ? REPLY_PRIMING : 0;
  return text.messages * perMessage + priming + text.images * IMAGE_TOKENS[api] + text.tokenIds;
}

/**
 * A fast, deliberately generous estimate of a request's input tokens (of its `requestText`), for reserving budget before
 * the call: `fastTokenCount` per text piece plus message framing, images at a fixed size and
 * pre-tokenized prompts as they are. It never loads a tokenizer (which costs ~60 MB and ~0.1 ms per
 * KB of prompt), so it is cheap enough for every request. It over-counts prose, code, JSON and CJK
 * text (by about a third on average); random strings such as base64 in a text field are the known
 * exception, under-counted by up to a third.
 */
export function estimateInputTokens(api: ApiKind, text: RequestText): number {
  let tokens = framing(api, text);
  for (const t of text.texts) tokens += fastTokenCount(t);
  return tokens;
}

/**
 * The input tokens of a request counted with the model's tokenizer (message framing included): what
 * the sidecar records when the provider reported no usage, marked estimated. `text` is the request's
 * (`requestText`), collected once per call for both counts.
 */
export function countInputTokens(api: ApiKind, text: RequestText, model: string): number {
  let tokens = framing(api, text);
  for (const t of text.texts) tokens += estimateTokens(t, model);
  return tokens;
}
