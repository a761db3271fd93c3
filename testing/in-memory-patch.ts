// The patches the kube client sends, applied to a plain object the way the API server applies them
// — for the in-memory client (fake-kube-client.ts). JSON merge patch (RFC 7386) and JSON patch
// (RFC 6902: add, remove, replace, test); a failed `test` or a path that does not exist throws a
// PatchRefused, which the fake client answers as the API server does (422).

export class PatchRefused extends Error {
  override readonly name = 'PatchRefused';
}

/** RFC 7386: objects merge, `null` removes, everything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export interface JsonPatchStep {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
}

/** RFC 6902 on a copy of `target`; throws PatchRefused when an operation cannot apply. */
export function jsonPatch<T>(target: T, operations: readonly JsonPatchStep[]): T {
  let document: unknown = structuredClone(target);
  for (const operation of operations) document = applyOne(document, operation);
  return document as T;
}

function applyOne(document: unknown, operation: JsonPatchStep): unknown {
  const tokens = pointer(operation.path);
  if (operation.op === 'test') {
    const found = read(document, tokens);
    if (JSON.stringify(found) !== JSON.stringify(operation.value)) {
      throw new PatchRefused(`test of ${operation.path} failed`);
    }
    return document;
  }
  if (operation.op === 'move' || operation.op === 'copy') {
    throw new PatchRefused(`${operation.op} is not supported in memory`);
  }
  if (tokens.length === 0) {
    if (operation.op === 'remove') throw new PatchRefused('cannot remove the whole document');
    return structuredClone(operation.value);
  }
  const parent = read(document, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new PatchRefused(`${operation.path}: no such index`);
    }
    if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
    else if (index >= parent.length) throw new PatchRefused(`${operation.path}: no such index`);
    else if (operation.op === 'remove') parent.splice(index, 1);
    else parent[index] = structuredClone(operation.value);
    return document;
  }
  if (!isObject(parent)) throw new PatchRefused(`${operation.path}: the parent is not an object`);
  if (operation.op !== 'add' && !(last in parent)) throw new PatchRefused(`${operation.path} does not exist`);
  if (operation.op === 'remove') delete parent[last];
  else parent[last] = structuredClone(operation.value);
  return document;
}

function read(document: unknown, tokens: readonly string[]): unknown {
  let at = document;
  for (const token of tokens) {
    if (Array.isArray(at)) at = at[Number(token)];
    else if (isObject(at) && token in at) at = at[token];
    else return undefined;
  }
  return at;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchRefused(`${path} is not a JSON pointer`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
