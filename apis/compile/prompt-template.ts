import type { EffectivePromptTemplate, PromptTemplateSpec } from '../prompt-template.js';

/**
 * PromptTemplate specs → what sidecars receive: name, version, messages and variables, sorted by
 * name so an unchanged set compiles to the same policy. The description stays in the cluster. Pure;
 * the operator's compiler and the standalone sidecar file both go through it.
 */
export function compilePromptTemplates(
  templates: readonly { name: string; spec: PromptTemplateSpec }[],
): EffectivePromptTemplate[] {
  return templates
    .map(({ name, spec }) => ({
      name,
      version: spec.version,
      messages: spec.messages.map((m) => ({ role: m.role, content: m.content })),
      variables: spec.variables.map((v) => ({
        name: v.name,
        required: v.required,
        ...(v.default !== undefined ? { default: v.default } : {}),
        ...(v.maxLength !== undefined ? { maxLength: v.maxLength } : {}),
      })),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
