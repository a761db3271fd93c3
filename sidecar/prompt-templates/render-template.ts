import { placeholdersIn } from '../../apis/prompt-placeholders.js';
import type { EffectivePromptTemplate, PromptRole } from '../../apis/prompt-template.js';

export interface RenderedMessage {
  role: PromptRole;
  content: string;
}

/** Why a template cannot be rendered with the values a call gave: the variable, what was expected. */
export interface VariableProblem {
  variable: string;
  message: string;
}

export type Rendering = { ok: true; messages: RenderedMessage[] } | { ok: false; problem: VariableProblem };

/**
 * The template's messages with every placeholder replaced by its variable's value (pure). Values are
 * checked first: no variable the template does not declare, every required one given, none longer
 * than its `maxLength`; an optional variable not given takes its default, else "". A value is put in
 * as it is and never scanned again, so a value holding `{{x}}` is text, not a placeholder — a caller
 * cannot reach a variable through another's value.
 */
export function renderTemplate(
  template: EffectivePromptTemplate,
  given: Readonly<Record<string, string>>,
): Rendering {
  const where = `prompt template ${template.name}@${template.version}`;
  const declared = template.variables.map((v) => v.name);
  for (const name of Object.keys(given)) {
    if (!declared.includes(name)) {
      return {
        ok: false,
        problem: {
          variable: name,
          message: `${where} has no variable ${JSON.stringify(name)}; it declares ${declared.length === 0 ? 'none' : declared.join(', ')}`,
        },
      };
    }
  }
  const values = new Map<string, string>();
  for (const variable of template.variables) {
    const value = given[variable.name];
    if (value === undefined) {
      if (variable.required) {
        return {
          ok: false,
          problem: {
            variable: variable.name,
            message: `${where} requires variable ${variable.name}: give it in x-governor-prompt-variables, e.g. {"${variable.name}":"…"}`,
          },
        };
      }
      values.set(variable.name, variable.default ?? '');
      continue;
    }
    if (variable.maxLength !== undefined && value.length > variable.maxLength) {
      return {
        ok: false,
        problem: {
          variable: variable.name,
          message: `${where}: variable ${variable.name} must be at most ${variable.maxLength} characters, got ${value.length}`,
        },
      };
    }
    values.set(variable.name, value);
  }
  const messages = template.messages.map((m) => ({ role: m.role, content: fill(m.content, values) }));
  return { ok: true, messages };
}

/** `content` with each well-formed placeholder of a known variable replaced, in one pass. */
function fill(content: string, values: ReadonlyMap<string, string>): string {
  const placeholders = placeholdersIn(content);
  if (placeholders.length === 0) return content;
  let out = '';
  let from = 0;
  for (const p of placeholders) {
    const value = p.name === undefined ? undefined : values.get(p.name);
    if (value === undefined) continue; // the schema refuses it; left as written if one slipped through
    out += content.slice(from, p.index) + value;
    from = p.index + p.text.length;
  }
  return out + content.slice(from);
}
