import type { ApiKind } from '../http/api-kind.js';

/** The prompt part of a request, for the log line when the policy asks for prompt logging. */
export function promptOf(api: ApiKind, body: Record<string, unknown>): unknown {
  switch (api) {
    case 'chat.completions':
      return body['messages'];
    case 'messages':
      return body['system'] === undefined
        ? body['messages']
        : { system: body['system'], messages: body['messages'] };
    case 'responses':
      return body['instructions'] === undefined
        ? body['input']
        : { instructions: body['instructions'], input: body['input'] };
    case 'completions':
      return body['prompt'];
    case 'embeddings':
      return body['input'];
  }
}
