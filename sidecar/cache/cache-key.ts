import { createHash } from 'node:crypto';
import type { ApiKind } from '../http/api-kind.js';

/**
 * Members that say who asks or how the provider should cache, not what is asked: two requests that
 * differ only in them get the same answer. `user` and `metadata` (OpenAI and Anthropic's
 * `metadata.user_id`), `safety_identifier` (OpenAI's successor of `user`) and `prompt_cache_key` (a
 * provider prompt-cache routing hint).
 */
const NOT_PART_OF_THE_QUESTION = new Set(['user', 'metadata', 'safety_identifier', 'prompt_cache_key']);

/**
 * The response-cache key of a request: sha256 (hex) of the API and the normalised body — object keys
 * sorted at every depth (so key order does not matter), array order kept, the members above left out,
 * and `stream` always present as true or false (a streaming hit replays the stored SSE bytes, so a
 * stream and a JSON answer never share an entry). Compute it on the body the client sent, after the
 * policy's rewrites (model, max tokens) and before `stream_options.include_usage` is injected.
 */
export function cacheKey(api: ApiKind, body: Record<string, unknown>): string {
  const question: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!NOT_PART_OF_THE_QUESTION.has(key)) question[key] = value;
  }
  question['stream'] = body['stream'] === true;
  return createHash('sha256').update(api).update('\n').update(canonicalJson(question)).digest('hex');
}

/** JSON with object keys sorted recursively; members whose value is undefined are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${members.join(',')}}`;
}
