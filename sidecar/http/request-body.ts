import type { IncomingMessage } from 'node:http';

/** Default largest request body: 10 MiB (long prompts with images fit; runaway bodies do not). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export type BodyProblem =
  | { kind: 'too-large'; limit: number }
  | { kind: 'content-type'; got: string | undefined }
  | { kind: 'json'; detail: string }
  | { kind: 'not-object'; got: string };

export type ParsedBody = { ok: true; body: Record<string, unknown> } | { ok: false; problem: BodyProblem };

/**
 * The whole request body, refusing early when `content-length` says it is too big and stopping to
 * read once more than `limit` bytes arrived (the rest is not read; the connection is closed after
 * the 413).
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer | BodyProblem> {
  return new Promise((resolve, reject) => onRequestBody(req, limit, resolve, reject));
}

/**
 * `readRequestBody` for the data path: `done` is called with the body (or its problem) from the
 * request's own `end` event, `failed` with a stream error — no promise, nor a turn of the microtask
 * queue, between the last byte and the call (docs/adr/0070-data-plane-fewer-layers.md). Exactly one
 * of them is called, once.
 */
export function onRequestBody(
  req: IncomingMessage,
  limit: number,
  done: (body: Buffer | BodyProblem) => void,
  failed: (err: Error) => void,
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    done({ kind: 'too-large', limit });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      settled = true;
      req.off('data', onData);
      req.pause();
      done({ kind: 'too-large', limit });
      return;
    }
    chunks.push(chunk);
  };
  // `on`, not `once`: each emits at most once for a request, and `once` wraps every listener.
  req.on('data', onData);
  req.on('end', () => {
    if (settled) return;
    settled = true;
    done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  });
  req.on('error', (err) => {
    if (settled) return;
    settled = true;
    failed(err);
  });
}

/** Whether a content type is JSON (`application/json`, with or without parameters). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The body as a JSON object, or what is wrong with it. */
export function parseJsonObject(bytes: Buffer, contentType: string | undefined): ParsedBody {
  if (!isJsonContentType(contentType))
    return { ok: false, problem: { kind: 'content-type', got: contentType } };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, problem: { kind: 'json', detail: (err as Error).message } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      problem: {
        kind: 'not-object',
        got: value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value,
      },
    };
  }
  return { ok: true, body: value as Record<string, unknown> };
}

/** The sentence a 400/413 answer carries for a body problem. */
export function describeBodyProblem(problem: BodyProblem): { status: number; code: string; message: string } {
  switch (problem.kind) {
    case 'too-large':
      return {
        status: 413,
        code: 'request_too_large',
        message: `request body is larger than the sidecar's limit of ${problem.limit} bytes (--max-body-bytes)`,
      };
    case 'content-type':
      return {
        status: 400,
        code: 'invalid_content_type',
        message: `content-type must be application/json, got ${problem.got ? JSON.stringify(problem.got) : 'none'}`,
      };
    case 'json':
      return {
        status: 400,
        code: 'invalid_json',
        message: `request body is not valid JSON: ${problem.detail}`,
      };
    case 'not-object':
      return {
        status: 400,
        code: 'invalid_json',
        message: `request body must be a JSON object, got ${problem.got}`,
      };
  }
}
