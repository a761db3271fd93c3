import type { CompressionStep, EffectiveCompression } from '../../apis/prompt-compression.js';
import { abridgeStaleToolOutputsStep } from './abridge-stale-tool-outputs.js';
import { collapseWhitespaceStep } from './collapse-whitespace.js';
import type { CompressibleApi, Message } from './conversation.js';
import { dropDuplicatesStep } from './drop-duplicates.js';

/** What one step saved, in the sidecar's estimate of input tokens. */
export interface StepSaving {
  step: CompressionStep;
  tokensSaved: number;
}

export interface CompressedPrompt {
  /** The messages to send; absent when no step changed any (the agent's own are sent). */
  messages?: readonly Message[];
  /** Every step that ran, in order, with the tokens it saved (0 when it changed nothing). */
  savings: StepSaving[];
}

/** The estimated input tokens of one message (its text and framing), for what a step saved. */
export type MessageTokens = (message: Message) => number;

/**
 * Runs a route's compression steps, in their order, over a call's `messages`. Pure and deterministic:
 * the same messages compress to the same bytes on every call, so an old prefix stays stable for the
 * provider's prompt cache (docs/adr/0046-lossless-prompt-compression.md). A step's saving is counted
 * on the messages it changed only (`tokensOf` before minus after), so an unchanged conversation costs
 * no counting.
 */
export function compressPrompt(
  api: CompressibleApi,
  messages: readonly Message[],
  compression: EffectiveCompression,
  tokensOf: MessageTokens,
): CompressedPrompt {
  const savings: StepSaving[] = [];
  // A message a step left is the next step's `before`: counted once.
  const counted = new WeakMap<Message, number>();
  const tokens = (message: Message) => {
    let n = counted.get(message);
    if (n === undefined) {
      n = tokensOf(message);
      counted.set(message, n);
    }
    return n;
  };
  let current = messages;
  for (const step of compression.steps) {
    // Summarize is decided before (compressedCall): it needs the summaries the sidecar has.
    if (step === 'Summarize') continue;
    const next = applyStep(step, api, current, compression);
    let tokensSaved = 0;
    if (next !== current) {
      for (let i = 0; i < next.length; i++) {
        const before = current[i] as Message;
        const after = next[i] as Message;
        if (before !== after) tokensSaved += tokens(before) - tokens(after);
      }
      current = next;
    }
    savings.push({ step, tokensSaved });
  }
  return current === messages ? { savings } : { messages: current, savings };
}

function applyStep(
  step: Exclude<CompressionStep, 'Summarize'>,
  api: CompressibleApi,
  messages: readonly Message[],
  { keepTurns, keepLines }: EffectiveCompression,
): readonly Message[] {
  switch (step) {
    case 'CollapseWhitespace':
      return collapseWhitespaceStep(api, messages, keepTurns);
    case 'DropDuplicates':
      return dropDuplicatesStep(api, messages, keepTurns);
    case 'AbridgeStaleToolOutputs':
      return abridgeStaleToolOutputsStep(api, messages, keepTurns, keepLines);
  }
}
