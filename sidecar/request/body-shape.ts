import type { ApiKind } from '../http/api-kind.js';
import { pathologicalBody, type RequestProblem } from './request-problem.js';

/**
 * Deepest nesting of arrays and objects a request body may have. Real requests stay far below it
 * (messages → content parts → a tool's input or a JSON schema: a few dozen levels); the sidecar
 * serialises parts of a body again (the cache key, tool definitions for the input estimate, a logged
 * prompt), and V8's `JSON.stringify` overflows its stack at about 10,000 levels.
 */
export const MAX_NESTING = 128;

/**
 * Most items one array of a body may hold: more than any provider accepts in one request (OpenAI
 * takes 2,048 embedding inputs; 100,000 token ids is a 100k-token prompt sent pre-tokenized).
 */
export const MAX_ARRAY_ITEMS = 100_000;

/** Segments of a path a problem names: where the nesting starts matters, not its 128 levels of `[0]`. */
const NAMED_SEGMENTS = 8;

/**
 * What is pathological about a parsed body's shape, or undefined: arrays and objects nested deeper
 * than `MAX_NESTING` (400 `nesting_too_deep`) or an array of more than `MAX_ARRAY_ITEMS` items (413
 * `array_above_max_length`), naming where (the first levels of a deep path). One walk over the
 * containers of the body (strings and numbers are not visited); the depth is bounded, so the walk
 * itself cannot overflow.
 */
export function bodyShapeProblem(api: ApiKind, body: Record<string, unknown>): RequestProblem | undefined {
  const found = walk(body, 1);
  if (found === undefined) return undefined;
  const path = found.path.reverse();
  return found.kind === 'deep'
    ? pathologicalBody(
        api,
        path.slice(0, NAMED_SEGMENTS),
        400,
        'nesting_too_deep',
        `arrays and objects are nested more than ${MAX_NESTING} levels deep here; the sidecar refuses such a body`,
      )
    : pathologicalBody(
        api,
        path,
        413,
        'array_above_max_length',
        `an array of ${found.items} items; the sidecar accepts at most ${MAX_ARRAY_ITEMS} items in one array`,
      );
}

type Found = { kind: 'deep' | 'long'; items?: number; path: (string | number)[] };

/** The first problem under `value` (an object or array at `depth`), its path built on the way back (reversed). */
function walk(value: object, depth: number): Found | undefined {
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY_ITEMS) return { kind: 'long', items: value.length, path: [] };
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const found = depth >= MAX_NESTING ? { kind: 'deep' as const, path: [] } : walk(item, depth + 1);
      if (found) {
        found.path.push(i);
        return found;
      }
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item !== 'object' || item === null) continue;
    const found = depth >= MAX_NESTING ? { kind: 'deep' as const, path: [] } : walk(item, depth + 1);
    if (found) {
      found.path.push(key);
      return found;
    }
  }
  return undefined;
}
