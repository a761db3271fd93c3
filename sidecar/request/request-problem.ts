import { type ApiKind, isAnthropic } from '../http/api-kind.js';

/**
 * Why a request is refused before anything is decided about it, ready to answer: the status, the
 * OpenAI-style error code, the field (`param`, as OpenAI names it: `messages[0].content`) and a
 * message in the style of the API the agent called, naming the field, what it must be and what came.
 */
export interface RequestProblem {
  status: 400 | 413;
  code: string;
  param: string;
  message: string;
}

/** A field of the body: its path from the top, e.g. `['messages', 0, 'role']`. */
export type FieldPath = readonly (string | number)[];

/** `messages[0].content`: how OpenAI names a parameter in `param` and its messages. */
export function openAIParam(path: FieldPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

/** `messages.0.content`: how Anthropic names a field in its messages. */
function anthropicLocation(path: FieldPath): string {
  return path.join('.');
}

/** What a value is, for a message: `a string`, `null`, `-5`, `an array`. Never the value of a long string. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : 'a string';
    case 'number':
      return Number.isFinite(value) ? String(value) : 'a number out of range';
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** A required field is missing. */
export function missingField(api: ApiKind, path: FieldPath): RequestProblem {
  const param = openAIParam(path);
  return {
    status: 400,
    code: 'missing_required_parameter',
    param,
    message: isAnthropic(api)
      ? `${anthropicLocation(path)}: Field required`
      : `Missing required parameter: '${param}'.`,
  };
}

/** A field has the wrong type: `expected` says what it must be ("an integer of at least 1"). */
export function wrongType(api: ApiKind, path: FieldPath, expected: string, value: unknown): RequestProblem {
  const param = openAIParam(path);
  const got = describeValue(value);
  return {
    status: 400,
    code: 'invalid_type',
    param,
    message: isAnthropic(api)
      ? `${anthropicLocation(path)}: expected ${expected}, got ${got}`
      : `Invalid type for '${param}': expected ${expected}, but got ${got} instead.`,
  };
}

/** A field has the right type and a value out of range (a negative limit, an empty list). */
export function invalidValue(
  api: ApiKind,
  path: FieldPath,
  code: string,
  expected: string,
  value: unknown,
): RequestProblem {
  const param = openAIParam(path);
  const got = describeValue(value);
  return {
    status: 400,
    code,
    param,
    message: isAnthropic(api)
      ? `${anthropicLocation(path)}: expected ${expected}, got ${got}`
      : `Invalid '${param}': expected ${expected}, but got ${got} instead.`,
  };
}

/** The body's shape is beyond what the sidecar reads: nested too deep, or an array too long. */
export function pathologicalBody(
  api: ApiKind,
  path: FieldPath,
  status: 400 | 413,
  code: string,
  what: string,
): RequestProblem {
  const param = openAIParam(path);
  const where = isAnthropic(api) ? anthropicLocation(path) : param;
  return {
    status,
    code,
    param,
    message: `${where === '' ? 'the request body' : where}: ${what}`,
  };
}
