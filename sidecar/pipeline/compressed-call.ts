import type { EffectiveCompression } from '../../apis/prompt-compression.js';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { requestText } from '../accounting/request-text.js';
import { compressPrompt, type StepSaving } from '../compression/compress-prompt.js';
import type { Message } from '../compression/conversation.js';
import type { SummaryCache } from '../compression/summary-cache.js';
import type { SummaryKeys } from '../compression/summary-key.js';
import {
  type CachedSummary,
  planSummary,
  type SummaryPlan,
  summaryMessage,
  withSummary,
} from '../compression/summary-plan.js';
import type { CallFacts } from '../request/call-facts.js';

/** Where the Summarize step finds the summaries written so far and the keys of a conversation's prefixes. */
export interface Summaries {
  cache: Pick<SummaryCache, 'get'>;
  keys: SummaryKeys;
}

/** What the Summarize step did to one call. */
export interface CallSummary {
  /** The sidecar's estimate of the old history (system prompt and kept turns aside). */
  historyTokens: number;
  /** The summary sent in place of the history before `cut`, with its estimated tokens. */
  used?: { summary: CachedSummary; tokens: number; messages: number };
  /** A summary to write in the background (the caller starts it; the call does not wait). */
  write?: NonNullable<SummaryPlan['write']>;
}

/** A call after its route's compression steps: what is sent, and what each step saved. */
export interface CompressedCall {
  /** The facts of what is sent: the compressed text and its input estimate (the budget counts these). */
  facts: CallFacts;
  /** The compressed `messages`, an edit of the body; absent when no step changed anything. */
  messages?: readonly Message[];
  savings: StepSaving[];
  /** Present when the route's steps include Summarize. */
  summary?: CallSummary;
}

/**
 * Applies a route's `compression` to a call (chat completions and Anthropic messages; other APIs pass
 * as they are). The agent's body is never modified: the compressed messages are an edit beside it,
 * and the facts returned carry the text and input estimate of what is actually sent. An unchanged
 * conversation costs one pass of the steps and nothing more. Summarize goes first (a summary the
 * sidecar has replaces the old history; docs/adr/0049-summaries-of-old-turns.md), the lossless steps
 * then run over what is left.
 */
export function compressedCall(
  facts: CallFacts,
  compression: EffectiveCompression | undefined,
  summaries?: Summaries,
): CompressedCall {
  const { api, body } = facts;
  const received = body['messages'];
  if (
    compression === undefined ||
    (api !== 'chat.completions' && api !== 'messages') ||
    !Array.isArray(received)
  ) {
    return { facts, savings: [] };
  }
  const tokensOf = (message: Message) => estimateInputTokens(api, requestText(api, { messages: [message] }));
  let messages = received as readonly Message[];
  const savings: StepSaving[] = [];
  let summary: CallSummary | undefined;
  const summarize = compression.summarize;
  if (summarize !== undefined && summaries !== undefined && compression.steps.includes('Summarize')) {
    const all = messages;
    // A message's own tokens, without the reply priming every estimate of a whole request adds once.
    const priming = estimateInputTokens(api, requestText(api, { messages: [] }));
    const ownTokens = (message: Message) => tokensOf(message) - priming;
    const plan = planSummary(
      api,
      all,
      { keepTurns: compression.keepTurns, maxHistoryTokens: summarize.maxHistoryTokens },
      ownTokens,
      (cuts) => summaries.keys.prefixKeys(api, body['system'], all, cuts),
      (key) => summaries.cache.get(key),
    );
    summary = { historyTokens: plan.historyTokens };
    let tokensSaved = 0;
    if (plan.use) {
      const tokens = ownTokens(summaryMessage(api, plan.use, plan.start));
      for (let i = plan.start; i < plan.use.cut; i++) tokensSaved += ownTokens(all[i] as Message);
      tokensSaved -= tokens;
      messages = withSummary(api, all, plan.start, plan.use);
      summary.used = { summary: plan.use, tokens, messages: plan.use.cut - plan.start };
    }
    if (plan.write) summary.write = plan.write;
    savings.push({ step: 'Summarize', tokensSaved });
  }
  const compressed = compressPrompt(api, messages, compression, tokensOf);
  savings.push(...compressed.savings);
  const sent = compressed.messages ?? (messages !== received ? messages : undefined);
  const withSummaryNote = summary ? { summary } : {};
  if (sent === undefined) return { facts, savings, ...withSummaryNote };
  // The estimate is a sum over messages, so what was sent is what was received less what was saved.
  let saved = 0;
  for (const step of savings) saved += step.tokensSaved;
  const text = requestText(api, { ...body, messages: sent });
  return {
    facts: { ...facts, text, estimatedInputTokens: facts.estimatedInputTokens - saved },
    messages: sent,
    savings,
    ...withSummaryNote,
  };
}
