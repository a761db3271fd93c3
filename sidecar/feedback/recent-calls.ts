import { ArrivalIndex } from './arrival-index.js';
import { DEFAULT_REASK_SIMILARITY, isNearDuplicate, type Question } from './near-duplicate.js';

/** What feedback about a call is counted under: the facts of the call, kept after it ended. */
export interface CallSummary {
  traceId: string;
  /** `namespace/name`. */
  agent: string;
  /** Model actually called. */
  model: string;
  route?: string;
  /** The x-governor-prompt-template the call went out with (the agent's, or its variant's). */
  promptTemplate?: string;
  /** `<experiment>/<variant>` of a call on a route with an experiment. */
  variant?: string;
  /** HTTP status the agent got; a re-ask counts only after a 2xx answer. */
  status: number;
  /** When the call ended (epoch ms). */
  at: number;
}

export interface RecentCallsOptions {
  /** Calls remembered at most (default 10 000); the oldest go first. */
  maxCalls?: number;
  /** How long a call can be given feedback (default 1 hour). */
  maxAgeMs?: number;
  /** How soon after an answer a near-duplicate question counts as a re-ask (default 10 minutes; 0: never). */
  reaskWindowMs?: number;
  /** Token-set similarity from which two questions are near-duplicates (default 0.8). */
  similarity?: number;
  /** Conversations remembered at most (default 5 000), each with its last question only. */
  maxConversations?: number;
  now?: () => number;
}

export const DEFAULT_MAX_CALLS = 10_000;
export const DEFAULT_MAX_AGE_MS = 60 * 60_000;
export const DEFAULT_REASK_WINDOW_MS = 10 * 60_000;
export const DEFAULT_MAX_CONVERSATIONS = 5_000;

interface LastQuestion {
  question: Question;
  call: CallSummary;
}

/**
 * The sidecar's memory of its recent calls, bounded by count and age: trace id → CallSummary for
 * feedback, and each conversation's last question for re-asks. Each kept in arrival order
 * (ArrivalIndex), so the oldest entry is always the first: eviction is O(1) and a lookup never scans.
 * A trace id used by several calls (one agent run) names its latest call.
 */
export class RecentCalls {
  private readonly calls = new ArrivalIndex<string, CallSummary>();
  private readonly conversations = new ArrivalIndex<string, LastQuestion>();
  private readonly maxCalls: number;
  private readonly maxAgeMs: number;
  private readonly reaskWindowMs: number;
  private readonly similarity: number;
  private readonly maxConversations: number;
  private readonly now: () => number;

  constructor(options: RecentCallsOptions = {}) {
    this.maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.reaskWindowMs = options.reaskWindowMs ?? DEFAULT_REASK_WINDOW_MS;
    this.similarity = options.similarity ?? DEFAULT_REASK_SIMILARITY;
    this.maxConversations = options.maxConversations ?? DEFAULT_MAX_CONVERSATIONS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Remembers a finished call; when it asks again, within the window, what the same conversation's
   * previous call asked and got an answer to, returns that previous call (the answer that did not help).
   */
  note(call: CallSummary, asked?: { conversation: string; question: Question }): CallSummary | undefined {
    const now = this.now();
    this.calls.set(call.traceId, call);
    if (this.calls.size > this.maxCalls) this.calls.takeOldest();
    this.expire(now);
    if (asked === undefined || this.reaskWindowMs <= 0) return undefined;
    const previous = this.conversations.set(asked.conversation, { question: asked.question, call });
    if (this.conversations.size > this.maxConversations) this.conversations.takeOldest();
    if (
      previous !== undefined &&
      previous.call.status >= 200 &&
      previous.call.status < 300 &&
      call.at - previous.call.at <= this.reaskWindowMs &&
      isNearDuplicate(previous.question, asked.question, this.similarity)
    )
      return previous.call;
    return undefined;
  }

  /** The latest call of a trace id, unless it is older than the age bound or was pushed out. */
  find(traceId: string): CallSummary | undefined {
    const now = this.now();
    this.expire(now);
    return this.calls.get(traceId);
  }

  get size(): number {
    return this.calls.size;
  }

  private expire(now: number): void {
    for (let call = this.calls.oldest(); call !== undefined && now - call.at > this.maxAgeMs; ) {
      this.calls.takeOldest();
      call = this.calls.oldest();
    }
    const oldestQuestion = now - Math.max(this.reaskWindowMs, 0);
    for (let last = this.conversations.oldest(); last !== undefined && last.call.at < oldestQuestion; ) {
      this.conversations.takeOldest();
      last = this.conversations.oldest();
    }
  }
}
