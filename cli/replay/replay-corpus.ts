import type { ApiKind } from '../../sidecar/http/api-kind.js';

/** The APIs a case may speak, with the path it is sent to on the candidate. */
export const REPLAY_PATHS: Readonly<Record<ApiKind, string>> = {
  'chat.completions': '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  responses: '/v1/responses',
  messages: '/v1/messages',
};

/** One call to send again: a line of a capture export, or of a hand-written corpus (docs/replay.md). */
export interface ReplayCase {
  /** The captured trace id, the line's `id`, or `line N`. */
  id: string;
  line: number;
  api: ApiKind;
  /** The request body, as sent to the candidate (a stream asked for is replayed as one JSON answer). */
  body: Record<string, unknown>;
  /** The answer the candidate's is compared with when there is no baseline. */
  answer?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The cases of a corpus file's text: one JSON object a line (blank lines and lines starting with
 * `#` skipped), each `{api, body, answer?, id?}` — which every record `agent-governor capture
 * export` prints is. A line that is not such an object is an error naming `source:line` and what
 * was expected. Pure.
 */
export function parseCorpus(text: string, source: string): ReplayCase[] {
  const cases: ReplayCase[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const at = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${at}: not JSON (${(err as Error).message}); expected one JSON object a line`);
    }
    if (!isRecord(value)) throw new Error(`${at}: expected a JSON object {api, body, answer?}`);
    cases.push(corpusCase(value, at, i + 1));
  }
  return cases;
}

function corpusCase(value: Record<string, unknown>, at: string, line: number): ReplayCase {
  const api = value['api'];
  if (typeof api !== 'string' || !(api in REPLAY_PATHS))
    throw new Error(
      `${at}: api: expected one of ${Object.keys(REPLAY_PATHS).join(', ')}, got ${JSON.stringify(api)}`,
    );
  const body = value['body'];
  if (!isRecord(body)) {
    const captured = value['v'] !== undefined && typeof value['request'] === 'string';
    throw new Error(
      captured
        ? `${at}: body: this capture record has no request body (written before capture kept bodies, or its body was longer than --capture-max-record-chars); remove the line or capture again`
        : `${at}: body: expected the request body, a JSON object such as {"model":"gpt-4o","messages":[…]}`,
    );
  }
  const answer = value['answer'];
  if (answer !== undefined && typeof answer !== 'string')
    throw new Error(`${at}: answer: expected the answer's text, a string`);
  const id = value['id'] ?? value['traceId'];
  if (id !== undefined && typeof id !== 'string') throw new Error(`${at}: id: expected a string`);
  const out: ReplayCase = { id: id ?? `line ${line}`, line, api: api as ApiKind, body: replayable(body) };
  if (answer !== undefined) out.answer = answer;
  return out;
}

/** The body without `stream` and `stream_options`: the candidate answers in one JSON document to compare. */
function replayable(body: Record<string, unknown>): Record<string, unknown> {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  return rest;
}
