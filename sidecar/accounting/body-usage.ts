import type { ApiKind } from '../http/api-kind.js';
import { countInputTokens } from './input-estimate.js';
import { anthropicUsage, anthropicUsageFields, openAiUsage, responsesUsage } from './provider-usage.js';
import type { RequestText } from './request-text.js';
import type { TokenUsage } from './token-usage.js';
import { estimateTokens } from './tokenizer.js';

type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The usage a non-streaming JSON answer of `api` reports, or undefined when it carries none. */
export function usageFromBody(api: ApiKind, response: unknown): TokenUsage | undefined {
  if (!isRecord(response)) return undefined;
  switch (api) {
    case 'chat.completions':
    case 'completions':
    case 'embeddings':
      return openAiUsage(response['usage']);
    case 'responses':
      return responsesUsage(response['usage']);
    case 'messages': {
      const fields = anthropicUsageFields(response['usage']);
      return fields?.input !== undefined && fields.output !== undefined ? anthropicUsage(fields) : undefined;
    }
  }
}

/** The generated text of a JSON answer: message contents, tool-call arguments, reasoning shown. */
export function outputTextOfBody(api: ApiKind, response: unknown): string {
  if (!isRecord(response)) return '';
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
  };
  switch (api) {
    case 'chat.completions':
      for (const choice of list(response['choices'])) {
        const m = isRecord(choice) ? choice['message'] : undefined;
        if (!isRecord(m)) continue;
        add(m['content']);
        add(m['refusal']);
        add(m['reasoning_content']);
        for (const call of list(m['tool_calls'])) {
          if (isRecord(call) && isRecord(call['function'])) {
            add(call['function']['name']);
            add(call['function']['arguments']);
          }
        }
      }
      break;
    case 'completions':
      for (const choice of list(response['choices'])) if (isRecord(choice)) add(choice['text']);
      break;
    case 'responses':
      for (const item of list(response['output'])) {
        if (!isRecord(item)) continue;
        add(item['arguments']);
        for (const part of [...list(item['content']), ...list(item['summary'])]) {
          if (isRecord(part)) {
            add(part['text']);
            add(part['refusal']);
          }
        }
      }
      break;
    case 'messages':
      for (const block of list(response['content'])) {
        if (!isRecord(block)) continue;
        add(block['text']);
        add(block['thinking']);
        if (block['type'] === 'tool_use' && block['input'] !== undefined)
          out.push(JSON.stringify(block['input']));
      }
      break;
    case 'embeddings':
      break;
  }
  return out.join('');
}

/**
 * The usage of a JSON answer: as reported, or — when the provider reported none — counted with the
 * tokenizer (input from the request's text, output from the answer's text) and marked estimated.
 */
export function usageFromBodyOrEstimate(
  api: ApiKind,
  response: unknown,
  request: { text: RequestText; model: string },
): TokenUsage {
  const reported = usageFromBody(api, response);
  if (reported) return reported;
  return {
    inputTokens: countInputTokens(api, request.text, request.model),
    outputTokens: estimateTokens(outputTextOfBody(api, response), request.model),
    cachedInputTokens: 0,
    estimated: true,
  };
}
