import type { ApiKind } from '../http/api-kind.js';
import {
  type FieldPath,
  invalidValue,
  missingField,
  type RequestProblem,
  wrongType,
} from './request-problem.js';

type Body = Record<string, unknown>;

/**
 * Longest model name accepted: providers' names are a few dozen characters; the name becomes a
 * metrics label and appears in the log line and in errors.
 */
const MAX_MODEL_NAME = 256;

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first field of `body` the sidecar reads that has the wrong type or value, or undefined. Only
 * the fields the sidecar decides on are checked — the model, the messages (or prompt, input, system,
 * instructions) whose text is counted, the output limits and answer counts that size the budget
 * reservation, `stream` and `stream_options` — each as the provider defines it; every other field
 * goes to the provider untouched, unknown ones included. `null` counts as absent for optional fields,
 * as the providers read it.
 */
export function requestFieldProblem(api: ApiKind, body: Body): RequestProblem | undefined {
  const model = body['model'];
  if (model === undefined) return missingField(api, ['model']);
  if (typeof model !== 'string') return wrongType(api, ['model'], 'a string', model);
  if (model === '' || model.length > MAX_MODEL_NAME)
    return invalidValue(
      api,
      ['model'],
      'invalid_value',
      `a model name of 1 to ${MAX_MODEL_NAME} characters`,
      model,
    );
  switch (api) {
    case 'chat.completions':
      return (
        messageList(api, body, false) ??
        count(api, body, 'max_completion_tokens', 1) ??
        count(api, body, 'max_tokens', 1) ??
        count(api, body, 'n', 1) ??
        streamFields(api, body) ??
        optionalArray(api, body, 'tools') ??
        optionalArray(api, body, 'functions')
      );
    case 'completions':
      return (
        promptInput(api, body, 'prompt') ??
        optionalString(api, body, 'suffix') ??
        count(api, body, 'max_tokens', 0) ??
        count(api, body, 'n', 1) ??
        count(api, body, 'best_of', 1) ??
        streamFields(api, body)
      );
    case 'embeddings':
      return promptInput(api, body, 'input');
    case 'responses':
      return (
        responsesInput(api, body) ??
        optionalString(api, body, 'instructions') ??
        count(api, body, 'max_output_tokens', 1) ??
        optionalBoolean(api, body, 'stream') ??
        optionalArray(api, body, 'tools')
      );
    case 'messages':
      return (
        (body['max_tokens'] === undefined ? missingField(api, ['max_tokens']) : undefined) ??
        count(api, body, 'max_tokens', 1) ??
        messageList(api, body, true) ??
        anthropicSystem(api, body) ??
        optionalBoolean(api, body, 'stream') ??
        optionalArray(api, body, 'tools')
      );
  }
}

/** An optional whole number of at least `min` (an output limit, a count of answers). */
function count(api: ApiKind, body: Body, key: string, min: number): RequestProblem | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  const expected = `an integer of at least ${min}`;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    return wrongType(api, [key], expected, value);
  if (value < min) return invalidValue(api, [key], 'integer_below_min_value', expected, value);
  return undefined;
}

function optionalBoolean(api: ApiKind, body: Body, key: string): RequestProblem | undefined {
  const value = body[key];
  if (value === undefined || value === null || typeof value === 'boolean') return undefined;
  return wrongType(api, [key], 'a boolean', value);
}

function optionalString(api: ApiKind, body: Body, key: string): RequestProblem | undefined {
  const value = body[key];
  if (value === undefined || value === null || typeof value === 'string') return undefined;
  return wrongType(api, [key], 'a string', value);
}

function optionalArray(api: ApiKind, body: Body, key: string): RequestProblem | undefined {
  const value = body[key];
  if (value === undefined || value === null || Array.isArray(value)) return undefined;
  return wrongType(api, [key], 'an array', value);
}

/** `stream` and the `stream_options.include_usage` the sidecar may set (OpenAI chat and completions). */
function streamFields(api: ApiKind, body: Body): RequestProblem | undefined {
  const stream = optionalBoolean(api, body, 'stream');
  if (stream) return stream;
  const options = body['stream_options'];
  if (options === undefined || options === null) return undefined;
  if (!isRecord(options)) return wrongType(api, ['stream_options'], 'an object', options);
  const include = options['include_usage'];
  if (include === undefined || include === null || typeof include === 'boolean') return undefined;
  return wrongType(api, ['stream_options', 'include_usage'], 'a boolean', include);
}

/**
 * The conversation: a non-empty array of message objects, each with a string `role` and `content`
 * that is a string or an array of content-part objects (Anthropic requires the content; OpenAI chat
 * allows none, e.g. an assistant message with tool calls).
 */
function messageList(api: ApiKind, body: Body, anthropic: boolean): RequestProblem | undefined {
  const list = body['messages'];
  if (list === undefined) return missingField(api, ['messages']);
  if (!Array.isArray(list)) return wrongType(api, ['messages'], 'an array of messages', list);
  if (list.length === 0) return invalidValue(api, ['messages'], 'empty_array', 'at least one message', list);
  for (let i = 0; i < list.length; i++) {
    const message: unknown = list[i];
    if (!isRecord(message)) return wrongType(api, ['messages', i], 'a message object', message);
    const role = message['role'];
    if (role === undefined) return missingField(api, ['messages', i, 'role']);
    if (typeof role !== 'string') return wrongType(api, ['messages', i, 'role'], 'a string', role);
    const content = message['content'];
    if (content === undefined && anthropic) return missingField(api, ['messages', i, 'content']);
    const parts = contentParts(api, ['messages', i, 'content'], content, !anthropic);
    if (parts) return parts;
    if (!anthropic) {
      const calls = message['tool_calls'];
      if (calls !== undefined && calls !== null && !Array.isArray(calls))
        return wrongType(api, ['messages', i, 'tool_calls'], 'an array', calls);
    }
  }
  return undefined;
}

/** Content: a string or an array of part objects (absent or null allowed where `nullable`). */
function contentParts(
  api: ApiKind,
  path: FieldPath,
  content: unknown,
  nullable: boolean,
): RequestProblem | undefined {
  if (typeof content === 'string') return undefined;
  if ((content === undefined || content === null) && nullable) return undefined;
  if (!Array.isArray(content)) return wrongType(api, path, 'a string or an array of content parts', content);
  for (let j = 0; j < content.length; j++) {
    if (!isRecord(content[j])) return wrongType(api, [...path, j], 'a content part object', content[j]);
  }
  return undefined;
}

/** Anthropic's `system`: a string or an array of content blocks. */
function anthropicSystem(api: ApiKind, body: Body): RequestProblem | undefined {
  const system = body['system'];
  if (system === undefined) return undefined;
  return contentParts(api, ['system'], system, false);
}

/**
 * A prompt (completions) or embedding input: a string, or a non-empty array of strings, of token ids,
 * or of arrays of token ids. Required.
 */
function promptInput(api: ApiKind, body: Body, key: string): RequestProblem | undefined {
  const value = body[key];
  const expected = 'a string, an array of strings, or an array of token ids';
  if (value === undefined) return missingField(api, [key]);
  if (typeof value === 'string') return undefined;
  if (!Array.isArray(value)) return wrongType(api, [key], expected, value);
  if (value.length === 0) return invalidValue(api, [key], 'empty_array', expected, value);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === 'string' || (typeof item === 'number' && Number.isInteger(item))) continue;
    if (Array.isArray(item) && item.every((id) => typeof id === 'number' && Number.isInteger(id))) continue;
    return wrongType(api, [key, i], 'a string, a token id or an array of token ids', item);
  }
  return undefined;
}

/** The Responses API's `input`: a string or an array of input items (objects); optional. */
function responsesInput(api: ApiKind, body: Body): RequestProblem | undefined {
  const input = body['input'];
  if (input === undefined || input === null || typeof input === 'string') return undefined;
  if (!Array.isArray(input)) return wrongType(api, ['input'], 'a string or an array of input items', input);
  for (let i = 0; i < input.length; i++) {
    if (!isRecord(input[i])) return wrongType(api, ['input', i], 'an input item object', input[i]);
  }
  return undefined;
}
