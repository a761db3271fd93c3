// RFC 6902 applied to a copy of a document, as the API server applies a mutating webhook's patch:
// for unit tests that check what a patch does (the e2e suites let the real API server apply it).
import type { JsonPatchOperation } from '../../admission/admission-review.js';

export function applyJsonPatch<T>(document: T, patch: readonly JsonPatchOperation[]): T {
  const root = { doc: structuredClone(document) as unknown };
  for (const operation of patch) {
    const tokens = operation.path
      .split('/')
      .slice(1)
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let parent: unknown = root;
    let key: string = 'doc';
    for (const token of tokens) {
      parent = (parent as Record<string, unknown>)[key];
      key = token;
      if (parent === undefined || parent === null)
        throw new Error(`${operation.op} ${operation.path}: no parent`);
    }
    const object = parent as Record<string, unknown>;
    if (operation.op === 'test') {
      if (JSON.stringify(object[key]) !== JSON.stringify(operation.value)) {
        throw new Error(`test ${operation.path} failed`);
      }
    } else if (Array.isArray(parent)) {
      const list = parent as unknown[];
      const index = key === '-' ? list.length : Number(key);
      if (!(index >= 0 && index <= list.length)) throw new Error(`${operation.path}: index out of range`);
      if (operation.op === 'add') list.splice(index, 0, structuredClone(operation.value));
      else if (operation.op === 'remove') list.splice(index, 1);
      else list[index] = structuredClone(operation.value);
    } else if (operation.op === 'remove') {
      delete object[key];
    } else {
      if (operation.op === 'replace' && !(key in object))
        throw new Error(`replace ${operation.path}: missing`);
      object[key] = structuredClone(operation.value);
    }
  }
  return root.doc as T;
}
