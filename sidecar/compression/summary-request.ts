import type { CompressibleApi, Message } from './conversation.js';
import type { CachedSummary } from './summary-plan.js';

/**
 * The summariser's instructions. Its own call's system prompt; the mock provider (testing/) answers
 * a system prompt that asks to summarise with a short deterministic summary.
 */
export const SUMMARY_INSTRUCTION =
  'Summarise the earlier part of a conversation between a user, an AI assistant and its tools, so the ' +
  'assistant can continue it from your summary alone. Keep every fact, name, identifier, number, ' +
  'decision, promise and open question, and what each tool call found; drop greetings, repetition ' +
  'and raw data the conversation no longer needs. Plain sentences and short bullet points, no preamble.';

type Part = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Part {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part['type'] === 'text' && typeof part['text'] === 'string') out.push(part['text']);
    else if (part['type'] === 'tool_use')
      out.push(`[calls ${String(part['name'])}(${JSON.stringify(part['input'])})]`);
    else if (part['type'] === 'tool_result') out.push(`[result of the call]\n${textOf(part['content'])}`);
    else if (
      part['type'] === 'document' &&
      isRecord(part['source']) &&
      typeof part['source']['data'] === 'string'
    )
      out.push(`[document]\n${part['source']['data']}`);
  }
  return out.join('\n');
}

/**
 * The conversation [from, cut) as plain text for the summariser, after the summary it continues:
 * one paragraph a message, headed by its role; tool calls with their name and arguments, tool
 * results with the call they answer.
 */
export function summaryTranscript(
  api: CompressibleApi,
  messages: readonly Message[],
  from: number,
  cut: number,
  previous?: CachedSummary,
): string {
  const out: string[] = [];
  if (previous) out.push(`SUMMARY OF WHAT CAME BEFORE:\n${previous.text}`);
  for (let i = from; i < cut; i++) {
    const m = messages[i];
    if (!isRecord(m)) continue;
    const role = String(m['role']);
    let text = textOf(m['content']);
    if (api === 'chat.completions' && Array.isArray(m['tool_calls'])) {
      for (const call of m['tool_calls']) {
        if (isRecord(call) && isRecord(call['function']))
          text += `${text ? '\n' : ''}[calls ${String(call['function']['name'])}(${String(call['function']['arguments'])})]`;
      }
    }
    out.push(`${role.toUpperCase()}:\n${text}`);
  }
  return out.join('\n\n');
}

/**
 * The summariser's request body, for the API of the call (the route's targets serve it); `limit` is
 * the output limit in the field the model reads (`max_tokens`, `max_completion_tokens`).
 */
export function summaryRequestBody(
  api: CompressibleApi,
  model: string,
  limit: Readonly<Record<string, unknown>>,
  transcript: string,
): Record<string, unknown> {
  const ask = `Summarise this conversation:\n\n${transcript}`;
  if (api === 'messages') {
    return {
      model,
      ...limit,
      system: SUMMARY_INSTRUCTION,
      messages: [{ role: 'user', content: ask }],
    };
  }
  return {
    model,
    ...limit,
    messages: [
      { role: 'system', content: SUMMARY_INSTRUCTION },
      { role: 'user', content: ask },
    ],
  };
}
