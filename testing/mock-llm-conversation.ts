// What the providers check of a conversation's tool calls before answering, so the mock refuses what
// they would: OpenAI wants every `tool` message to answer a `tool_calls` id of the assistant message
// before it, and every tool call answered before the next non-tool message; Anthropic wants every
// `tool_result` in the user message right after the assistant's `tool_use` with that id, and every
// `tool_use` answered there.

type Part = Record<string, unknown>;

function isRecord(value: unknown): value is Part {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first problem with the tool calls of `body.messages`, in the provider's words; undefined when valid. */
export function toolCallProblem(api: string, body: Record<string, unknown>): string | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return undefined;
  if (api === 'chat.completions') return openAIProblem(messages);
  if (api === 'messages') return anthropicProblem(messages);
  return undefined;
}

function openAIProblem(messages: unknown[]): string | undefined {
  let open = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isRecord(message)) continue;
    if (message['role'] === 'tool') {
      const id = message['tool_call_id'];
      if (typeof id !== 'string' || !open.has(id)) {
        return `messages.[${i}]: a message with role 'tool' must be a response to a preceding message with 'tool_calls' (tool_call_id ${JSON.stringify(id)})`;
      }
      open.delete(id);
      continue;
    }
    if (open.size > 0) {
      return `messages.[${i}]: an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'; missing: ${[...open].join(', ')}`;
    }
    open = new Set();
    const calls = message['tool_calls'];
    if (message['role'] === 'assistant' && Array.isArray(calls)) {
      for (const call of calls) if (isRecord(call) && typeof call['id'] === 'string') open.add(call['id']);
    }
  }
  return undefined;
}

function anthropicProblem(messages: unknown[]): string | undefined {
  let pending = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isRecord(message)) continue;
    const content = Array.isArray(message['content']) ? (message['content'] as unknown[]) : [];
    const results = content
      .filter((part): part is Part => isRecord(part) && part['type'] === 'tool_result')
      .map((part) => part['tool_use_id']);
    for (const id of results) {
      if (typeof id !== 'string' || !pending.has(id)) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      pending.delete(id);
    }
    if (pending.size > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${[...pending].join(', ')}`;
    }
    pending = new Set();
    if (message['role'] === 'assistant') {
      for (const part of content)
        if (isRecord(part) && part['type'] === 'tool_use' && typeof part['id'] === 'string')
          pending.add(part['id']);
    }
  }
  return undefined;
}
