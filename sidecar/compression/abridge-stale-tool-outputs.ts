import { type CompressibleApi, type Message, rewriteOlderMessages } from './conversation.js';

/** What an abridged tool output says in place of its middle lines. */
export function abridgedMarker(lines: number): string {
  return `[… ${lines} lines abridged by agent-governor …]`;
}

const ABRIDGED = /^\[… \d+ lines abridged by agent-governor …\]$/m;

/**
 * One tool output cut to its first and last `keepLines` lines, the lines between replaced by
 * `abridgedMarker`. An output that cutting would not shorten (at most 2 × keepLines + 1 lines), or
 * that was abridged already, is returned as it is — so abridging twice is abridging once.
 */
export function abridgeToolOutput(text: string, keepLines: number): string {
  const lines = text.split('\n');
  const cut = lines.length - 2 * keepLines;
  if (cut <= 1 || ABRIDGED.test(text)) return text;
  return [...lines.slice(0, keepLines), abridgedMarker(cut), ...lines.slice(lines.length - keepLines)].join(
    '\n',
  );
}

/**
 * The AbridgeStaleToolOutputs step: tool results (OpenAI `tool` messages, Anthropic `tool_result`
 * blocks) older than the latest `keepTurns` user turns are abridged; their `tool_call_id` /
 * `tool_use_id` stay, so every tool call keeps its result.
 */
export function abridgeStaleToolOutputsStep(
  api: CompressibleApi,
  messages: readonly Message[],
  keepTurns: number,
  keepLines: number,
): readonly Message[] {
  return rewriteOlderMessages(api, messages, keepTurns, (text, kind) =>
    kind === 'tool' ? abridgeToolOutput(text, keepLines) : text,
  );
}
