import type { IncomingHttpHeaders } from 'node:http';
import type { EffectivePromptTemplate } from '../../apis/prompt-template.js';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { type RequestText, requestText } from '../accounting/request-text.js';
import { renderTemplate } from '../prompt-templates/render-template.js';
import { PROMPT_TEMPLATE_HEADERS, readTemplateRequest } from '../prompt-templates/template-request.js';
import { takesTemplates, templatedFields } from '../prompt-templates/templated-body.js';
import type { CallFacts } from '../request/call-facts.js';

/** What the template step did, the `outcome` label of governor_sidecar_prompt_template_calls_total. */
export type TemplateOutcome =
  | 'Rendered'
  | 'InvalidHeader'
  | 'UnknownTemplate'
  | 'VersionConflict'
  | 'InvalidVariables'
  | 'UnsupportedApi';

/** The template a call met, as the policy holds it (never a name the agent made up). */
export interface TemplateUse {
  name: string;
  version: string;
  outcome: TemplateOutcome;
}

export type TemplatedCall =
  | { kind: 'none' }
  | { kind: 'rendered'; facts: CallFacts; use: TemplateUse }
  | {
      kind: 'refused';
      status: 400 | 409;
      code: string;
      message: string;
      param: string;
      /** The template, when the policy holds the one asked for. */
      use: TemplateUse | undefined;
      outcome: TemplateOutcome;
    };

/**
 * The template step (docs/adr/0050-versioned-prompt-templates.md): when the call names a template,
 * render it with the call's variables and place it in the body. The rendered body becomes the call's
 * body from here on — its bytes made once, its text and input estimate those of what is sent (the
 * template's part counted and added, the agent's not counted again) — so the
 * compression, the budget, the cache key and usage all see the prompt the provider gets. A call that
 * names none costs one header lookup.
 */
export function templatedCall(
  facts: CallFacts,
  headers: IncomingHttpHeaders,
  templates: readonly EffectivePromptTemplate[] | undefined,
): TemplatedCall {
  const reading = readTemplateRequest(headers);
  if (reading.kind === 'none') return { kind: 'none' };
  if (reading.kind === 'invalid') {
    const known = reading.name === undefined ? undefined : templates?.find((t) => t.name === reading.name);
    return {
      kind: 'refused',
      status: 400,
      code: 'invalid_header',
      message: reading.problem.message,
      param: reading.problem.header,
      use: known && { name: known.name, version: known.version, outcome: 'InvalidHeader' },
      outcome: 'InvalidHeader',
    };
  }
  const { request } = reading;
  const template = templates?.find((t) => t.name === request.name);
  if (!template) {
    const names = (templates ?? []).map((t) => `${t.name}@${t.version}`);
    return {
      kind: 'refused',
      status: 400,
      code: 'prompt_template_not_found',
      message: `prompt template ${JSON.stringify(request.name)} is not in the sidecar's policy; ${
        names.length === 0
          ? 'the policy has no prompt templates (a PromptTemplate in the agent’s namespace)'
          : `templates: ${names.join(', ')}`
      }`,
      param: PROMPT_TEMPLATE_HEADERS.template,
      use: undefined,
      outcome: 'UnknownTemplate',
    };
  }
  const found = (outcome: TemplateOutcome): TemplateUse => ({
    name: template.name,
    version: template.version,
    outcome,
  });
  if (request.version !== undefined && request.version !== template.version) {
    return {
      kind: 'refused',
      status: 409,
      code: 'prompt_template_version_conflict',
      message: `prompt template ${template.name} is at version ${template.version}, the call asked for ${request.version}; ask for ${template.name}@${template.version}, or ${template.name} for whichever version is in force`,
      param: PROMPT_TEMPLATE_HEADERS.template,
      use: found('VersionConflict'),
      outcome: 'VersionConflict',
    };
  }
  const { api } = facts;
  if (!takesTemplates(api)) {
    return {
      kind: 'refused',
      status: 400,
      code: 'prompt_template_unsupported',
      message: `prompt template ${template.name}@${template.version}: templates are placed in chat completions (/v1/chat/completions) and Anthropic messages (/v1/messages), not in ${api}`,
      param: PROMPT_TEMPLATE_HEADERS.template,
      use: found('UnsupportedApi'),
      outcome: 'UnsupportedApi',
    };
  }
  const rendering = renderTemplate(template, request.variables);
  if (!rendering.ok) {
    return {
      kind: 'refused',
      status: 400,
      code: 'invalid_prompt_variables',
      message: rendering.problem.message,
      param: `${PROMPT_TEMPLATE_HEADERS.variables}.${rendering.problem.variable}`,
      use: found('InvalidVariables'),
      outcome: 'InvalidVariables',
    };
  }
  const body = { ...facts.body, ...templatedFields(api, facts.body, rendering.messages) };
  // The estimate is a sum over text pieces and messages: what the template adds is counted on its
  // own and added to what the door counted, rather than counting the whole conversation again.
  const added = requestText(api, templatedFields(api, {}, rendering.messages));
  const { text } = facts;
  return {
    kind: 'rendered',
    facts: {
      ...facts,
      body,
      raw: Buffer.from(JSON.stringify(body)),
      text: {
        texts: [...added.texts, ...text.texts],
        messages: text.messages + added.messages,
        images: text.images,
        tokenIds: text.tokenIds,
      },
      estimatedInputTokens:
        facts.estimatedInputTokens + estimateInputTokens(api, added) - estimateInputTokens(api, NO_TEXT),
    },
    use: found('Rendered'),
  };
}

/** A request with nothing in it: what the estimate counts for any request (the reply's priming). */
const NO_TEXT: RequestText = { texts: [], messages: 0, images: 0, tokenIds: 0 };
