import type { FinishReason } from '../../apis/usage-batch.js';
import type { ApiKind } from '../http/api-kind.js';

/** What drift reads of a JSON answer besides its tokens (docs/adr/0056-drift-against-a-baseline.md). */
export interface AnswerTraits {
  finishReason?: FinishReason;
  /** The answer called a tool (or function). */
  toolCall: boolean;
  /** The model refused: a refusal field or part, or a refusal / content_filter finish. */
  refusal: boolean;
}

type Body = Record<string, unknown>;
const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const REASON_OF_WORD: Readonly<Record<string, FinishReason>> = {
  stop: 'Stop',
  end_turn: 'Stop',
  stop_sequence: 'Stop',
  completed: 'Stop',
  length: 'Length',
  max_tokens: 'Length',
  max_output_tokens: 'Length',
  tool_calls: 'ToolCalls',
  function_call: 'ToolCalls',
  tool_use: 'ToolCalls',
  content_filter: 'ContentFilter',
  refusal: 'ContentFilter',
};

/** A provider's finish word folded into FINISH_REASONS; undefined when the answer names none. */
export function finishReasonOf(word: unknown): FinishReason | undefined {
  if (typeof word !== 'string' || word === '') return undefined;
  return REASON_OF_WORD[word] ?? 'Other';
}

/**
 * The finish reason, tool call and refusal of a JSON answer of `api` (the first choice of a chat or
 * completions answer); undefined for embeddings or a body that is no answer.
 */
export function answerTraits(api: ApiKind, answer: unknown): AnswerTraits | undefined {
  if (!isRecord(answer)) return undefined;
  switch (api) {
    case 'chat.completions': {
      const choice = list(answer['choices'])[0];
      if (!isRecord(choice)) return undefined;
      const message = isRecord(choice['message']) ? choice['message'] : {};
      const finishReason = finishReasonOf(choice['finish_reason']);
      const refused = typeof message['refusal'] === 'string' && message['refusal'] !== '';
      return traits(
        finishReason,
        list(message['tool_calls']).length > 0 || isRecord(message['function_call']),
        refused || finishReason === 'ContentFilter',
      );
    }
    case 'completions': {
      const choice = list(answer['choices'])[0];
      if (!isRecord(choice)) return undefined;
      const finishReason = finishReasonOf(choice['finish_reason']);
      return traits(finishReason, false, finishReason === 'ContentFilter');
    }
    case 'responses': {
      const incomplete = isRecord(answer['incomplete_details'])
        ? answer['incomplete_details']['reason']
        : undefined;
      const finishReason =
        answer['status'] === 'incomplete' ? finishReasonOf(incomplete) : finishReasonOf(answer['status']);
      const items = list(answer['output']).filter(isRecord);
      const refused = items.some((item) =>
        list(item['content']).some((part) => isRecord(part) && part['type'] === 'refusal'),
      );
      return traits(
        finishReason,
        items.some((item) => item['type'] === 'function_call'),
        refused || finishReason === 'ContentFilter',
      );
    }
    case 'messages': {
      const finishReason = finishReasonOf(answer['stop_reason']);
      return traits(
        finishReason,
        list(answer['content']).some((block) => isRecord(block) && block['type'] === 'tool_use'),
        answer['stop_reason'] === 'refusal',
      );
    }
    case 'embeddings':
      return undefined;
  }
}

/**
 * Built by assignment, not as `{ ...(reason ? { finishReason } : {}), toolCall, refusal }`: on Node 20
 * a property defined after a spread misses its inline cache on every call (3.7 µs a call against
 * 0.04, once per answer; docs/adr/0065-data-plane-profile.md).
 */
function traits(finishReason: FinishReason | undefined, toolCall: boolean, refusal: boolean): AnswerTraits {
  const traits: AnswerTraits = { toolCall, refusal };
  if (finishReason !== undefined) traits.finishReason = finishReason;
  return traits;
}
