import {
  type CompressibleApi,
  isSystemMessage,
  keptFrom,
  type Message,
  rewriteTexts,
  type TextKind,
} from './conversation.js';

/** What a repeated text says instead, pointing at the message (its index in `messages`) that has it. */
export function duplicateMarker(index: number): string {
  return `[same as message ${index} above]`;
}

const MARKER = /^\[same as message \d+ above\]$/;
/** User text shorter than this is a question or an answer, not a pasted document: never replaced. */
export const MIN_USER_TEXT = 200;
const WHITESPACE = /\s+/g;

/** Two texts are the same when they are equal once whitespace runs are one space and the ends trimmed. */
export function normalisedText(text: string): string {
  return text.replace(WHITESPACE, ' ').trim();
}

function candidate(text: string, kind: TextKind): boolean {
  if (kind === 'assistant') return false;
  if (kind === 'user') return text.length >= MIN_USER_TEXT;
  // A tool output or document is worth replacing only when the marker is shorter.
  return text.length > 32 && !MARKER.test(text);
}

/**
 * The DropDuplicates step: a tool output, a plain-text document or a user text of 200 characters or
 * more whose text equals, whitespace aside, one in an earlier message becomes
 * `[same as message N above]`. The message itself stays (its role, its `tool_call_id` /
 * `tool_use_id`), so tool calls and results stay paired and in order. Only messages older than the
 * latest `keepTurns` user turns are changed; every message may be the first occurrence. Texts within
 * one message are never pointed at their own message. Idempotent: markers are never replaced again.
 */
export function dropDuplicatesStep(
  api: CompressibleApi,
  messages: readonly Message[],
  keepTurns: number,
): readonly Message[] {
  const end = keptFrom(api, messages, keepTurns);
  if (end === 0) return messages;
  const firstSeen = new Map<string, number>();
  let changed: Message[] | undefined;
  for (let i = 0; i < end; i++) {
    const message = messages[i];
    if (typeof message !== 'object' || message === null || isSystemMessage(api, message)) continue;
    const next = rewriteTexts(api, message, (text, kind) => {
      if (!candidate(text, kind)) return text;
      const key = normalisedText(text);
      const first = firstSeen.get(key);
      if (first === undefined) {
        firstSeen.set(key, i);
        return text;
      }
      return first < i ? duplicateMarker(first) : text;
    });
    if (next !== message) {
      changed ??= messages.slice();
      changed[i] = next;
    }
  }
  return changed ?? messages;
}
