import type { ApiKind } from '../http/api-kind.js';

/** What a request sends the model, gathered for counting its input tokens. */
export interface RequestText {
  /** Text pieces: message contents, names, tool calls and tool definitions (as JSON). */
  texts: string[];
  /** Messages (or input items) — each costs a few tokens of framing. */
  messages: number;
  /** Images and files, counted at a fixed size each. */
  images: number;
  /** Prompt tokens the client sent pre-tokenized (token-id arrays). */
  tokenIds: number;
}

type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Collector implements RequestText {
  texts: string[] = [];
  messages = 0;
  images = 0;
  tokenIds = 0;

  text(value: unknown): void {
    if (typeof value === 'string' && value.length > 0) this.texts.push(value);
  }

  json(value: unknown): void {
    if (value !== undefined && value !== null)
      this.texts.push(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** A prompt or embedding input: a string, strings, token ids, or arrays of token ids. */
  prompt(value: unknown): void {
    if (typeof value === 'string') {
      this.text(value);
      return;
    }
    if (!Array.isArray(value)) return;
    for (const item of value) {
      if (typeof item === 'string') this.text(item);
      else if (typeof item === 'number') this.tokenIds++;
      else if (Array.isArray(item)) this.tokenIds += item.length;
    }
  }

  /** Message content in any of the APIs' shapes: a string or a list of typed parts. */
  content(value: unknown): void {
    if (typeof value === 'string') {
      this.text(value);
      return;
    }
    if (!Array.isArray(value)) return;
    for (const part of value) {
      if (typeof part === 'string') {
        this.text(part);
        continue;
      }
      if (!isRecord(part)) continue;
      const type = part['type'];
      if (
        type === 'image_url' ||
        type === 'input_image' ||
        type === 'image' ||
        type === 'input_file' ||
        type === 'document'
      ) {
        this.images++;
      } else if (type === 'tool_use') {
        this.text(part['name']);
        this.json(part['input']);
      } else if (type === 'tool_result') {
        this.content(part['content']);
      } else if (type === 'input_audio') {
        this.images++;
      } else {
        this.text(part['text']);
        this.text(part['thinking']);
      }
    }
  }
}

/** The text of a request body of `api`; unknown shapes count as nothing rather than fail. */
export function requestText(api: ApiKind, body: Body): RequestText {
  const c = new Collector();
  switch (api) {
    case 'chat.completions':
      for (const m of Array.isArray(body['messages']) ? body['messages'] : []) {
        if (!isRecord(m)) continue;
        c.messages++;
        c.text(m['role']);
        c.text(m['name']);
        c.content(m['content']);
        c.text(m['refusal']);
        for (const call of Array.isArray(m['tool_calls']) ? m['tool_calls'] : []) {
          if (isRecord(call) && isRecord(call['function'])) {
            c.text(call['function']['name']);
            c.text(call['function']['arguments']);
          }
        }
        if (isRecord(m['function_call'])) {
          c.text(m['function_call']['name']);
          c.text(m['function_call']['arguments']);
        }
      }
      c.json(body['tools']);
      c.json(body['functions']);
      c.json(body['response_format']);
      break;
    case 'completions':
      c.prompt(body['prompt']);
      c.text(body['suffix']);
      break;
    case 'embeddings':
      c.prompt(body['input']);
      break;
    case 'responses':
      c.text(body['instructions']);
      if (typeof body['input'] === 'string') {
        c.messages++;
        c.text(body['input']);
      }
      for (const item of Array.isArray(body['input']) ? body['input'] : []) {
        if (!isRecord(item)) continue;
        c.messages++;
        c.text(item['role']);
        c.content(item['content']);
        c.text(item['name']);
        c.text(item['arguments']);
        c.json(item['output']);
        if (Array.isArray(item['summary'])) c.content(item['summary']);
      }
      c.json(body['tools']);
      c.json(isRecord(body['text']) ? body['text']['format'] : undefined);
      break;
    case 'messages':
      if (typeof body['system'] === 'string') c.text(body['system']);
      else c.content(body['system']);
      for (const m of Array.isArray(body['messages']) ? body['messages'] : []) {
        if (!isRecord(m)) continue;
        c.messages++;
        c.content(m['content']);
      }
      c.json(body['tools']);
      break;
  }
  return c;
}
