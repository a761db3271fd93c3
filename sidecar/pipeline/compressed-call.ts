import type { EffectiveCompression } from '../../apis/prompt-compression.js';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { requestText } from '../accounting/request-text.js';
import { compressPrompt, type StepSaving } from '../compression/compress-prompt.js';
import type { Message } from '../compression/conversation.js';
import type { CallFacts } from '../request/call-facts.js';

/** A call after its route's compression steps: what is sent, and what each step saved. */
export interface CompressedCall {
  /** The facts of what is sent: the compressed text and its input estimate (the budget counts these). */
  facts: CallFacts;
  /** The compressed `messages`, an edit of the body; absent when no step changed anything. */
  messages?: readonly Message[];
  savings: StepSaving[];
}

/**
 * Applies a route's `compression` to a call (chat completions and Anthropic messages; other APIs pass
 * as they are). The agent's body is never modified: the compressed messages are an edit beside it,
 * and the facts returned carry the text and input estimate of what is actually sent. An unchanged
 * conversation costs one pass of the steps and nothing more.
 */
export function compressedCall(
  facts: CallFacts,
  compression: EffectiveCompression | undefined,
): CompressedCall {
  const { api, body } = facts;
  const messages = body['messages'];
  if (
    compression === undefined ||
    (api !== 'chat.completions' && api !== 'messages') ||
    !Array.isArray(messages)
  ) {
    return { facts, savings: [] };
  }
  const tokensOf = (message: Message) => estimateInputTokens(api, requestText(api, { messages: [message] }));
  const compressed = compressPrompt(api, messages as Message[], compression, tokensOf);
  if (compressed.messages === undefined) return { facts, savings: compressed.savings };
  // The estimate is a sum over messages, so what was sent is what was received less what was saved.
  let saved = 0;
  for (const step of compressed.savings) saved += step.tokensSaved;
  const text = requestText(api, { ...body, messages: compressed.messages });
  return {
    facts: { ...facts, text, estimatedInputTokens: facts.estimatedInputTokens - saved },
    messages: compressed.messages,
    savings: compressed.savings,
  };
}
