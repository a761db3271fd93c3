// The mock provider's summariser: a request whose system prompt asks to summarise is answered with a
// short summary made from the conversation it was given, the same for the same text, so tests and
// benchmarks can tell a summary sent in place of old messages and count its tokens.
import { createHash } from 'node:crypto';

const ASKS_TO_SUMMARISE = /\bsummari[sz]e\b/i;

function systemText(api: string, body: Record<string, unknown>): string {
  if (api === 'messages') {
    const system = body['system'];
    if (typeof system === 'string') return system;
    if (Array.isArray(system))
      return system.map((p) => (typeof p?.text === 'string' ? (p.text as string) : '')).join('\n');
    return '';
  }
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  return messages
    .filter((m) => m?.role === 'system' || m?.role === 'developer')
    .map((m) => (typeof m.content === 'string' ? m.content : ''))
    .join('\n');
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const last = messages.filter((m) => m?.role === 'user').at(-1);
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content))
    return last.content
      .map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : ''))
      .join('\n');
  return '';
}

/**
 * The summary the mock answers with when the call's system prompt asks to summarise (chat completions
 * and messages), else undefined: `Summary <hash>: ` and the first words of each of the first lines of
 * what it was given, at most about 60 words.
 */
export function mockSummaryOf(api: string, body: Record<string, unknown>): string | undefined {
  if (api !== 'chat.completions' && api !== 'messages') return undefined;
  if (!ASKS_TO_SUMMARISE.test(systemText(api, body))) return undefined;
  const given = lastUserText(body);
  const digest = createHash('sha256').update(given).digest('hex').slice(0, 8);
  const lines = given
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^[A-Z]+:$/.test(line));
  const words = lines.slice(1, 9).flatMap((line) => line.split(/\s+/).slice(0, 7));
  return `Summary ${digest}: ${words.join(' ').slice(0, 400)}`;
}
