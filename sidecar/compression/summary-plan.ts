import type { CompressibleApi, Message } from './conversation.js';
import { isSystemMessage, keptFrom, startsUserTurn } from './conversation.js';

/** A summary the sidecar has, of the messages before `cut` (system prompt aside). */
export interface CachedSummary {
  /** The summary's text, as the summariser wrote it. */
  text: string;
  /** Messages it stands for: from the end of the system prompt to `cut` (exclusive). */
  cut: number;
}

/** The Summarize step's settings the plan reads. */
export interface SummaryLimits {
  keepTurns: number;
  maxHistoryTokens: number;
}

export interface SummaryPlan {
  /** The first message after the system prompt: where the summarised history begins. */
  start: number;
  /** A cached summary to send in place of messages [start, use.cut). */
  use?: CachedSummary;
  /**
   * A summary to write in the background, of the history up to `cut` (the latest turn boundary
   * before the kept turns): the messages [from, cut), continuing `previous` when there is one.
   */
  write?: { key: string; cut: number; from: number; previous?: CachedSummary };
  /** The sidecar's estimate of the history (from `start` to the kept turns), before any summary. */
  historyTokens: number;
}

/** The keys of the conversation's prefixes ending at each of `cuts` (ascending). */
export type PrefixKeys = (cuts: readonly number[]) => string[];

/**
 * Decides the Summarize step of one call. Pure: the messages, the settings, the estimate of one
 * message, the prefix keys and the summaries the sidecar has decide.
 *
 * - Only history counts: the messages between the system prompt and the latest `keepTurns` user
 *   turns. While it is within `maxHistoryTokens`, nothing happens.
 * - A cut falls only where a user turn begins, so a tool call and its result (OpenAI `tool_calls`
 *   and `tool` messages, Anthropic `tool_use` and `tool_result` blocks) are always on the same side.
 * - The longest prefix with a summary is used; when what is left of the history beyond it is still
 *   over `maxHistoryTokens`, a summary up to the kept turns is to be written (continuing the one used).
 */
export function planSummary(
  api: CompressibleApi,
  messages: readonly Message[],
  limits: SummaryLimits,
  tokensOf: (message: Message) => number,
  prefixKeys: PrefixKeys,
  lookup: (key: string) => CachedSummary | undefined,
): SummaryPlan {
  let start = 0;
  while (start < messages.length && isSystemMessage(api, messages[start] as Message)) start++;
  const kept = keptFrom(api, messages, limits.keepTurns);
  if (kept <= start) return { start, historyTokens: 0 };
  const tokens: number[] = [];
  let historyTokens = 0;
  for (let i = start; i < kept; i++) {
    const n = tokensOf(messages[i] as Message);
    tokens.push(n);
    historyTokens += n;
  }
  if (historyTokens <= limits.maxHistoryTokens) return { start, historyTokens };

  const cuts: number[] = [];
  for (let i = start + 1; i <= kept; i++) {
    if (startsUserTurn(api, messages[i] as Message)) cuts.push(i);
  }
  const keys = prefixKeys(cuts);
  let use: CachedSummary | undefined;
  for (let c = cuts.length - 1; c >= 0 && use === undefined; c--) {
    const found = lookup(keys[c] as string);
    if (found !== undefined && found.cut === cuts[c]) use = found;
  }
  const from = use?.cut ?? start;
  let left = use ? tokensOf(summaryMessage(api, use, start)) : 0;
  for (let i = from; i < kept; i++) left += tokens[i - start] as number;
  const plan: SummaryPlan = { start, historyTokens };
  if (use) plan.use = use;
  if (left > limits.maxHistoryTokens && from < kept) {
    plan.write = { key: keys[keys.length - 1] as string, cut: kept, from, ...(use ? { previous: use } : {}) };
  }
  return plan;
}

/**
 * The message that stands for the summarised history: a user message that says what it is. A user
 * message, not a system one, so the summary of what users and tools said never speaks with the
 * system prompt's authority; before the user message that opens the next turn (Anthropic merges
 * consecutive user messages into one turn, OpenAI takes them as they are).
 */
export function summaryMessage(api: CompressibleApi, summary: CachedSummary, start: number): Message {
  const count = summary.cut - start;
  const text =
    `[Summary by agent-governor of the ${count} earlier message${count === 1 ? '' : 's'} of this conversation]\n` +
    summary.text;
  return api === 'messages'
    ? { role: 'user', content: [{ type: 'text', text }] }
    : { role: 'user', content: text };
}

/** The messages with [start, summary.cut) replaced by the summary message. */
export function withSummary(
  api: CompressibleApi,
  messages: readonly Message[],
  start: number,
  summary: CachedSummary,
): Message[] {
  return [...messages.slice(0, start), summaryMessage(api, summary, start), ...messages.slice(summary.cut)];
}
