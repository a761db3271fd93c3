import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type EffectivePolicy, effectivePolicy } from '../../apis/effective-policy.js';
import { fieldPath } from '../../apis/validate.js';

/**
 * Reading an effective policy the operator produced: its long-poll answer (JSON) or its ConfigMap
 * mirror (JSON or YAML). Either must be a complete, valid `EffectivePolicy` for the expected agent;
 * anything else is an error that names where it came from, the field and what is wrong.
 */

export type PolicyReading = { ok: true; policy: EffectivePolicy } | { ok: false; message: string };

type Agent = { namespace: string; name: string };

/** A long-poll answer body. */
export function policyFromJson(text: string, origin: string, agent: Agent): PolicyReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${origin}: the answer is not JSON: ${(error as Error).message}` };
  }
  return validated(value, agent, (problem) => `${origin}: ${problem.field}${problem.message}`);
}

/** The mounted ConfigMap file; faults carry file:line:column. */
export async function policyFromFile(file: string, agent: Agent): Promise<PolicyReading> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      message: `${file}: cannot read the fallback policy: ${code ?? (error as Error).message}`,
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const at = error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
    return { ok: false, message: `${file}${at}: not valid YAML or JSON: ${error.message.split('\n')[0]}` };
  }
  return validated(doc.toJS({ maxAliasCount: 100 }), agent, (problem) => {
    const offset = nodeAt(doc.contents, problem.path)?.range?.[0];
    const at =
      offset === undefined ? '' : `:${lineCounter.linePos(offset).line}:${lineCounter.linePos(offset).col}`;
    return `${file}${at}: ${problem.field}${problem.message}`;
  });
}

interface Problem {
  path: readonly PropertyKey[];
  /** `field: ` or empty. */
  field: string;
  message: string;
}

function validated(value: unknown, agent: Agent, describe: (problem: Problem) => string): PolicyReading {
  const result = effectivePolicy.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5);
    const message = issues
      .map((issue) => {
        const field = fieldPath(issue.path);
        return describe({ path: issue.path, field: field ? `${field}: ` : '', message: issue.message });
      })
      .join('; ');
    const more =
      result.error.issues.length > issues.length
        ? ` (and ${result.error.issues.length - issues.length} more)`
        : '';
    return { ok: false, message: `${message}${more} (not a valid EffectivePolicy)` };
  }
  const policy = result.data;
  if (policy.agent.namespace !== agent.namespace || policy.agent.name !== agent.name) {
    const problem = {
      path: ['agent'],
      field: 'agent: ',
      message: `is ${policy.agent.namespace}/${policy.agent.name}, expected ${agent.namespace}/${agent.name}`,
    };
    return { ok: false, message: `${describe(problem)} (a policy for another agent)` };
  }
  return { ok: true, policy };
}

/** The YAML node written at `path`, or the nearest written parent. */
function nodeAt(root: unknown, path: readonly PropertyKey[]): Node | undefined {
  let node = root;
  let found = root as Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      node = pair.value ?? pair.key;
      found = node as Node;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (!node) break;
      found = node as Node;
    } else {
      break;
    }
  }
  return found;
}
