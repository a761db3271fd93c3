/**
 * The conversation shapes the compression steps read and rewrite: OpenAI chat `messages` and
 * Anthropic `messages` (Anthropic's `system` is a field of its own and never reaches a step). A step
 * sees a message's text through `rewriteTexts`, which hands it every piece of text content with its
 * kind and returns the same message object when nothing changed — so unchanged messages keep their
 * identity (and a caller can tell what a step touched), and tool calls, tool-use inputs, images,
 * thinking blocks and every field a step does not know pass untouched.
 */

export type CompressibleApi = 'chat.completions' | 'messages';
export type Message = Readonly<Record<string, unknown>>;

/**
 * What a piece of text is: a user's text, an assistant's text, a tool's output (OpenAI role `tool`,
 * an Anthropic `tool_result`), or a retrieved document (an Anthropic `document` block of plain text).
 */
export type TextKind = 'user' | 'assistant' | 'tool' | 'document';

/** Rewrites one piece of text; returning it unchanged leaves it (and its message) as it was. */
export type TextRewrite = (text: string, kind: TextKind) => string;

type Part = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Part {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The system prompt of an OpenAI conversation (`system`, `developer`): never compressed. */
export function isSystemMessage(api: CompressibleApi, message: Message): boolean {
  return api === 'chat.completions' && (message['role'] === 'system' || message['role'] === 'developer');
}

/**
 * Whether `message` starts a user turn: a user message — for Anthropic, one that says something
 * besides handing back tool results (those continue the turn the assistant's tool use opened).
 */
export function startsUserTurn(api: CompressibleApi, message: Message): boolean {
  if (message['role'] !== 'user') return false;
  if (api === 'chat.completions') return true;
  const content = message['content'];
  if (!Array.isArray(content)) return true;
  return content.length === 0 || content.some((part) => !isRecord(part) || part['type'] !== 'tool_result');
}

/**
 * The index of the first message a step may not change: the start of the `keepTurns`-th user turn
 * from the end. With fewer user turns than that, every message is kept (0).
 */
export function keptFrom(api: CompressibleApi, messages: readonly Message[], keepTurns: number): number {
  let turns = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && startsUserTurn(api, message) && ++turns === keepTurns) return i;
  }
  return 0;
}

/** `message` with every piece of its text content passed through `rewrite`; the same object if none changed. */
export function rewriteTexts(api: CompressibleApi, message: Message, rewrite: TextRewrite): Message {
  const role = message['role'];
  if (api === 'chat.completions') {
    const kind: TextKind | undefined =
      role === 'tool' ? 'tool' : role === 'user' ? 'user' : role === 'assistant' ? 'assistant' : undefined;
    if (kind === undefined) return message;
    const content = rewriteContent(message['content'], kind, rewrite, undefined);
    return content === message['content'] ? message : { ...message, content };
  }
  const kind: TextKind | undefined =
    role === 'user' ? 'user' : role === 'assistant' ? 'assistant' : undefined;
  if (kind === undefined) return message;
  const content = rewriteContent(message['content'], kind, rewrite, anthropicBlock);
  return content === message['content'] ? message : { ...message, content };
}

type BlockRewrite = (part: Part, kind: TextKind, rewrite: TextRewrite) => Part;

/** Content as a string or a list of parts: text parts rewritten, other parts left to `block`. */
function rewriteContent(
  content: unknown,
  kind: TextKind,
  rewrite: TextRewrite,
  block: BlockRewrite | undefined,
): unknown {
  if (typeof content === 'string') return rewrite(content, kind);
  if (!Array.isArray(content)) return content;
  let changed: unknown[] | undefined;
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i];
    if (!isRecord(part)) continue;
    let next: Part = part;
    if (part['type'] === 'text' && typeof part['text'] === 'string') {
      const text = rewrite(part['text'], kind);
      if (text !== part['text']) next = { ...part, text };
    } else if (block) {
      next = block(part, kind, rewrite);
    }
    if (next !== part) {
      changed ??= content.slice();
      changed[i] = next;
    }
  }
  return changed ?? content;
}

/** Anthropic's blocks with text inside: a `tool_result`'s content, a plain-text `document`'s data. */
function anthropicBlock(part: Part, kind: TextKind, rewrite: TextRewrite): Part {
  if (kind !== 'user') return part;
  if (part['type'] === 'tool_result') {
    const content = rewriteContent(part['content'], 'tool', rewrite, undefined);
    return content === part['content'] ? part : { ...part, content };
  }
  if (part['type'] === 'document') {
    const source = part['source'];
    if (!isRecord(source) || source['type'] !== 'text' || typeof source['data'] !== 'string') return part;
    const data = rewrite(source['data'], 'document');
    return data === source['data'] ? part : { ...part, source: { ...source, data } };
  }
  return part;
}

/**
 * Applies `rewrite` to the messages before `keptFrom` (system messages excepted), with the index of
 * each message; the same array when nothing changed.
 */
export function rewriteOlderMessages(
  api: CompressibleApi,
  messages: readonly Message[],
  keepTurns: number,
  rewrite: (text: string, kind: TextKind, index: number) => string,
): readonly Message[] {
  const end = keptFrom(api, messages, keepTurns);
  let changed: Message[] | undefined;
  for (let i = 0; i < end; i++) {
    const message = messages[i];
    if (!isRecord(message) || isSystemMessage(api, message)) continue;
    const next = rewriteTexts(api, message, (text, kind) => rewrite(text, kind, i));
    if (next !== message) {
      changed ??= messages.slice();
      changed[i] = next;
    }
  }
  return changed ?? messages;
}
