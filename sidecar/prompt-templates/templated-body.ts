import type { ApiKind } from '../http/api-kind.js';
import type { RenderedMessage } from './render-template.js';

/** The APIs a template can be placed in: conversations with messages. */
export function takesTemplates(api: ApiKind): api is 'chat.completions' | 'messages' {
  return api === 'chat.completions' || api === 'messages';
}

/**
 * The fields of the body a rendered template replaces (pure): OpenAI chat gets the template's
 * messages, in order, before the agent's; Anthropic messages gets the template's system messages in
 * `system` before the agent's own system prompt (a string stays a string, joined by a blank line; a
 * list of blocks gets a text block in front) and its user and assistant messages before the agent's.
 */
export function templatedFields(
  api: 'chat.completions' | 'messages',
  body: Readonly<Record<string, unknown>>,
  rendered: readonly RenderedMessage[],
): Record<string, unknown> {
  const agentMessages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  if (api === 'chat.completions') return { messages: [...rendered, ...agentMessages] };
  const system = rendered.filter((m) => m.role === 'system').map((m) => m.content);
  const conversation = rendered.filter((m) => m.role !== 'system');
  const fields: Record<string, unknown> = { messages: [...conversation, ...agentMessages] };
  if (system.length > 0) {
    const text = system.join('\n\n');
    const own = body['system'];
    if (typeof own === 'string' && own !== '') fields['system'] = `${text}\n\n${own}`;
    else if (Array.isArray(own) && own.length > 0) fields['system'] = [{ type: 'text', text }, ...own];
    else fields['system'] = text;
  }
  return fields;
}
