import { z } from 'zod';
import { conditions, observedGeneration } from './condition.js';
import { mapList } from './list-types.js';
import {
  MALFORMED_PLACEHOLDER,
  placeholdersIn,
  undeclaredPlaceholders,
  VARIABLE_NAME,
} from './prompt-placeholders.js';
import { resource } from './resource.js';
import { withRules } from './validation-rule.js';

/**
 * `PromptTemplate` (namespaced): a versioned prompt the platform team owns — messages with
 * `{{variable}}` placeholders and the variables they take. The policy compiler gives every template
 * of a namespace to the sidecars of that namespace's agents; a sidecar renders one only when a call
 * names it (`x-governor-prompt-template: name[@version]`, variables in `x-governor-prompt-variables`)
 * and places its messages before the agent's own (docs/adr/0050-versioned-prompt-templates.md).
 */

export const PROMPT_ROLES = ['system', 'user', 'assistant'] as const;
export type PromptRole = (typeof PROMPT_ROLES)[number];

export const MAX_TEMPLATE_MESSAGES = 16;
export const MAX_TEMPLATE_VARIABLES = 32;
export const MAX_MESSAGE_CHARS = 16_384;
export const MAX_VARIABLE_CHARS = 16_384;

/** A template version: `3`, `2026-12-01`, `1.4.0-beta` (letters, digits, `.`, `_`, `-`). */
export const TEMPLATE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const promptMessage = withRules(
  z.object({
    role: z
      .enum(PROMPT_ROLES, { error: () => `must be one of ${PROMPT_ROLES.join(', ')}` })
      .meta({ description: 'system, user or assistant.' }),
    content: z
      .string()
      .min(1, { message: 'must not be empty' })
      .max(MAX_MESSAGE_CHARS, { message: `must be at most ${MAX_MESSAGE_CHARS} characters` })
      .meta({
        description:
          'The text, with {{name}} (or {{ name }}) placeholders for declared variables. Any other text between ' +
          '{{ and }} is refused.',
      }),
  }),
  'One message of the template.',
  [
    {
      rule: `!self.content.matches('${MALFORMED_PLACEHOLDER}')`,
      message:
        'a placeholder must be {{name}} or {{ name }}: a letter or _, then letters, digits or _, between {{ and }}',
      fieldPath: '.content',
      holds: (m) => placeholdersIn(m.content).every((p) => p.name !== undefined),
    },
  ],
);

export const promptVariable = withRules(
  z.object({
    name: z
      .string()
      .max(63)
      .regex(VARIABLE_NAME, {
        message: 'must start with a letter or _, then letters, digits or _ (at most 63)',
      })
      .meta({ description: 'Name used in the placeholders: a letter or _, then letters, digits or _.' }),
    required: z.boolean().default(true).meta({
      description:
        'Whether a call must give a value (default true); an optional variable without a value takes its default, else "".',
    }),
    default: z
      .string()
      .max(MAX_VARIABLE_CHARS)
      .optional()
      .meta({ description: 'Value of an optional variable a call does not give.' }),
    maxLength: z
      .int({ error: 'must be a whole number of characters' })
      .min(1)
      .max(MAX_VARIABLE_CHARS)
      .optional()
      .meta({ description: 'Most characters a value may have; a longer value is refused (400), never cut.' }),
  }),
  'A variable the messages take.',
  [
    {
      rule: '!has(self.default) || !self.required',
      message: 'a variable with a default must set required: false',
      fieldPath: '.default',
      holds: (v) => v.default === undefined || !v.required,
    },
    {
      rule: '!has(self.default) || !has(self.maxLength) || size(self.default) <= self.maxLength',
      message: 'default must not be longer than maxLength',
      fieldPath: '.default',
      holds: (v) => v.default === undefined || v.maxLength === undefined || v.default.length <= v.maxLength,
    },
  ],
);

/** The placeholders of `spec`'s messages that name no declared variable, as `messages[i]: {{text}}`. */
export function placeholderProblems(spec: {
  messages: readonly { content: string }[];
  variables?: readonly { name: string }[];
}): string[] {
  const declared = new Set((spec.variables ?? []).map((v) => v.name));
  return spec.messages.flatMap((m, i) =>
    undeclaredPlaceholders(m.content, declared).map((text) => `messages[${i}]: ${text}`),
  );
}

export const promptTemplateSpec = z
  .object({
    version: z
      .string()
      .max(63)
      .regex(TEMPLATE_VERSION, {
        message: 'must be letters, digits, ., _ or - (at most 63), such as 3 or 2026-12-01',
      })
      .meta({
        description:
          'The version sidecars serve. A call naming name@version for another version is refused (409), so a ' +
          'change of wording is a change of version the agents see.',
      }),
    description: z.string().max(1024).optional().meta({ description: 'What the template is for.' }),
    messages: z
      .array(promptMessage)
      .min(1, { message: 'needs at least one message' })
      .max(MAX_TEMPLATE_MESSAGES)
      .meta({
        description:
          "Messages placed before the agent's own, in this order (for Anthropic, system messages go into the system " +
          'field, before the agent’s system prompt).',
      }),
    variables: mapList(
      promptVariable,
      'name',
      'The variables the placeholders name.',
      MAX_TEMPLATE_VARIABLES,
    ).default([]),
  })
  .superRefine((s, ctx) => {
    // Not a CEL rule: matching every placeholder against every variable exceeds the API server's
    // cost budget for rules. Zod judges it wherever a template is read — the standalone file, the
    // PromptTemplate controller (Stalled, InvalidTemplate) and the policy compiler (left out) — and
    // the API server refuses malformed placeholders itself (the rule on each message).
    for (const problem of placeholderProblems(s)) {
      ctx.addIssue({
        code: 'custom',
        path: ['messages'],
        message: `${problem} names no variable declared in spec.variables`,
      });
    }
  })
  .meta({
    description: 'A versioned prompt: messages with {{variable}} placeholders, and the variables they take.',
  });

export const promptTemplateStatus = z
  .object({
    version: z
      .string()
      .max(63)
      .optional()
      .meta({ description: 'The version last accepted: what the sidecars of the namespace are given.' }),
    messages: z.int().min(0).optional().meta({ description: 'Messages of the accepted version.' }),
    variables: z.int().min(0).optional().meta({ description: 'Variables of the accepted version.' }),
    unusedVariables: z
      .array(z.string().max(63))
      .max(MAX_TEMPLATE_VARIABLES)
      .optional()
      .meta({ description: 'Declared variables no placeholder names (a call may still give them).' }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'The version accepted and what it holds.' });

export const promptTemplate = resource('PromptTemplate', promptTemplateSpec, promptTemplateStatus);
export type PromptTemplate = z.infer<typeof promptTemplate>;
export type PromptTemplateSpec = z.infer<typeof promptTemplateSpec>;
export type PromptTemplateStatus = z.infer<typeof promptTemplateStatus>;
export type PromptVariable = z.infer<typeof promptVariable>;

/** What a sidecar receives of a template (EffectivePolicy `promptTemplates`): name, version, messages, variables. */
export const effectivePromptTemplate = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  messages: z.array(z.object({ role: z.enum(PROMPT_ROLES), content: z.string() })).min(1),
  variables: z
    .array(
      z.object({
        name: z.string().min(1),
        required: z.boolean().default(true),
        default: z.string().optional(),
        maxLength: z.int().min(1).optional(),
      }),
    )
    .default([]),
});
export type EffectivePromptTemplate = z.infer<typeof effectivePromptTemplate>;
