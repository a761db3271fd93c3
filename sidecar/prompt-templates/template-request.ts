import type { IncomingHttpHeaders } from 'node:http';
import { TEMPLATE_VERSION } from '../../apis/prompt-template.js';
import { GOVERNOR_REQUEST_HEADERS } from '../http/governor-headers.js';

/** The request headers a call names a template and gives its variables with. */
export const PROMPT_TEMPLATE_HEADERS = {
  template: GOVERNOR_REQUEST_HEADERS.promptTemplate,
  variables: GOVERNOR_REQUEST_HEADERS.promptVariables,
} as const;

const TEMPLATE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a call asks for: a template by name, at a version or whichever the policy holds, with variables. */
export interface TemplateRequest {
  name: string;
  version?: string;
  variables: Readonly<Record<string, string>>;
}

/** A request header that is not what it must be: which header, what it must be. */
export interface TemplateHeaderProblem {
  header: string;
  message: string;
}

export type TemplateRequestReading =
  | { kind: 'none' }
  | { kind: 'asked'; request: TemplateRequest }
  | { kind: 'invalid'; problem: TemplateHeaderProblem; name?: string };

/**
 * Reads `x-governor-prompt-template: name[@version]` and `x-governor-prompt-variables` (a JSON object
 * of strings; numbers and booleans are taken as their text). Read when the template step runs — after
 * the route match — so a value a routing step set on the headers is the one honoured.
 */
export function readTemplateRequest(headers: IncomingHttpHeaders): TemplateRequestReading {
  const named = headers[PROMPT_TEMPLATE_HEADERS.template];
  const given = headers[PROMPT_TEMPLATE_HEADERS.variables];
  if (named === undefined) {
    if (given === undefined) return { kind: 'none' };
    return {
      kind: 'invalid',
      problem: {
        header: PROMPT_TEMPLATE_HEADERS.variables,
        message: `${PROMPT_TEMPLATE_HEADERS.variables} was sent without ${PROMPT_TEMPLATE_HEADERS.template}: name the template the variables are for (name or name@version)`,
      },
    };
  }
  const value = (Array.isArray(named) ? named.join(',') : named).trim();
  const at = value.indexOf('@');
  const name = at === -1 ? value : value.slice(0, at);
  const version = at === -1 ? undefined : value.slice(at + 1);
  if (
    !TEMPLATE_NAME.test(name) ||
    name.length > 253 ||
    (version !== undefined && !TEMPLATE_VERSION.test(version))
  ) {
    return {
      kind: 'invalid',
      problem: {
        header: PROMPT_TEMPLATE_HEADERS.template,
        message: `${PROMPT_TEMPLATE_HEADERS.template} must be name or name@version (a PromptTemplate name, a version of letters, digits, ., _ or -), got ${JSON.stringify(value.slice(0, 100))}`,
      },
    };
  }
  const variables = readVariables(
    given === undefined ? undefined : Array.isArray(given) ? given.join(',') : given,
  );
  if (!variables.ok) return { kind: 'invalid', problem: variables.problem, name };
  return {
    kind: 'asked',
    request: { name, ...(version !== undefined ? { version } : {}), variables: variables.values },
  };
}

function readVariables(
  header: string | undefined,
): { ok: true; values: Record<string, string> } | { ok: false; problem: TemplateHeaderProblem } {
  if (header === undefined) return { ok: true, values: {} };
  const fail = (message: string) => ({
    ok: false as const,
    problem: { header: PROMPT_TEMPLATE_HEADERS.variables, message },
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(headerText(header));
  } catch {
    return fail(
      `${PROMPT_TEMPLATE_HEADERS.variables} must be a JSON object such as {"customer":"Ada"}, and is not JSON`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(
      `${PROMPT_TEMPLATE_HEADERS.variables} must be a JSON object such as {"customer":"Ada"}, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`,
    );
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') values[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else {
      return fail(
        `${PROMPT_TEMPLATE_HEADERS.variables}: variable ${JSON.stringify(key)} must be a string (or a number or boolean), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
      );
    }
  }
  return { ok: true, values };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a header value node read as latin1 (one character per byte): bytes that are valid
 * UTF-8 (curl, most HTTP clients) are decoded as UTF-8; others were latin1 already (fetch sends a
 * character up to U+00FF as its one byte). JSON `\u` escapes reach every character either way.
 */
function headerText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for any byte above ASCII
  if (!/[^\x00-\x7f]/.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}
