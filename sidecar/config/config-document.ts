import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  parse as parseYaml,
  visit,
} from 'yaml';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { type ConfigEnv, interpolateEnv } from './env-interpolation.js';

/** A parsed config file: its value with `${VAR}` resolved, and where each field is written. */
export interface ConfigDocument {
  value: unknown;
  /** Line and column (1-based) of the field at `path`, or of its nearest written parent. */
  positionOf(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
}

/**
 * Parses YAML and interpolates `${VAR}` / `${VAR:-default}` in scalar values (never keys or
 * comments). Interpolating after parsing keeps line numbers true and stops a variable's value
 * (a key with `: ` in it, say) from changing the document's structure. A plain scalar that becomes
 * a number or boolean (`port: ${PORT}`) gets that type. Throws a ConfigError naming every fault.
 */
export function parseConfigDocument(text: string, file: string, env: ConfigEnv): ConfigDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
        message: `YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const result = interpolateEnv(node.value, env);
      if (!result.ok) {
        const pos = node.range ? lineCounter.linePos(node.range[0]) : undefined;
        problems.push({ line: pos?.line, column: pos?.col, message: result.message });
        return;
      }
      node.value = node.type === 'PLAIN' ? typedPlainScalar(result.value) : result.value;
    },
  });
  if (problems.length > 0) throw new ConfigError(file, problems);

  return {
    value: doc.toJS({ maxAliasCount: 100 }),
    positionOf(path) {
      let node: unknown = doc.contents;
      let found = node as Node | null;
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          if (!pair) break;
          node = pair.value ?? pair.key;
          found = (pair.value ?? pair.key) as Node;
        } else if (isSeq(node) && typeof segment === 'number') {
          const item = node.items[segment];
          if (!item) break;
          node = item;
          found = item as Node;
        } else {
          break;
        }
      }
      const offset = found?.range?.[0];
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

/** `4000` → 4000, `true` → true; anything else stays the string it is. */
function typedPlainScalar(text: string): unknown {
  if (!/^(-?[0-9][0-9_.eE+-]*|true|false|null|~)$/.test(text)) return text;
  try {
    const value: unknown = parseYaml(text);
    return typeof value === 'number' || typeof value === 'boolean' || value === null ? value : text;
  } catch {
    return text;
  }
}
