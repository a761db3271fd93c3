import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKind } from '../http/api-kind.js';
import { GOVERNOR_REQUEST_HEADERS } from '../http/governor-headers.js';

type Body = Record<string, unknown>;

const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Who is asking, to tell a re-ask from someone else's question: the `x-governor-conversation-id`
 * header, else the OpenAI `user` field, else Anthropic's `metadata.user_id`. Undefined: the call is
 * never compared (two callers without an id are not one conversation).
 */
export function conversationOf(headers: IncomingHttpHeaders, body: Body): string | undefined {
  const header = headers[GOVERNOR_REQUEST_HEADERS.conversationId];
  const id = Array.isArray(header) ? header[0] : header;
  if (id !== undefined && id !== '') return `conversation:${id}`;
  if (typeof body['user'] === 'string' && body['user'] !== '') return `user:${body['user']}`;
  const metadata = body['metadata'];
  if (isRecord(metadata) && typeof metadata['user_id'] === 'string' && metadata['user_id'] !== '')
    return `user:${metadata['user_id']}`;
  return undefined;
}

/** The text of a message's content: a string, or its text parts joined. */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content)
    if (isRecord(part) && typeof part['text'] === 'string') texts.push(part['text']);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** The last message of role `user` in a list of messages (or Responses input items). */
function lastUserText(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && message['role'] === 'user') return textOf(message['content']);
  }
  return undefined;
}

/**
 * The question a call asks: its last user message (chat completions, messages, responses), its
 * prompt (completions). Embeddings ask nothing. Read defensively: a refused call's body may be of
 * any shape.
 */
export function lastUserMessage(api: ApiKind, body: Body): string | undefined {
  switch (api) {
    case 'chat.completions':
    case 'messages':
      return lastUserText(body['messages']);
    case 'responses':
      return typeof body['input'] === 'string' ? body['input'] : lastUserText(body['input']);
    case 'completions':
      return typeof body['prompt'] === 'string' ? body['prompt'] : undefined;
    case 'embeddings':
      return undefined;
  }
}
