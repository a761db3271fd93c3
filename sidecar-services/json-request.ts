// A small JSON request body from a sidecar, read bounded and validated against its schema: the
// value, or the error to answer — 413 too large, 400 not JSON or naming the first invalid field.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { fieldPath } from '../apis/validate.js';
import { readRequestBody } from '../runtime/http/request-body.js';
import type { ServiceError } from './service-answer.js';

export type JsonRequest<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

/** `what` names the document in errors: `the trace call take`, `the budget lease request`. */
export async function readJsonRequest<S extends z.ZodType>(
  request: IncomingMessage,
  maxBytes: number,
  schema: S,
  what: string,
): Promise<JsonRequest<z.output<S>>> {
  const body = await readRequestBody(request, maxBytes);
  if (!body.ok) {
    return {
      ok: false,
      error: {
        status: body.tooLarge ? 413 : 400,
        code: body.tooLarge ? 'payload_too_large' : 'invalid_request',
        message: body.message,
      },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(body.body.toString('utf8'));
  } catch (err) {
    return invalid(`${what} is not JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(
      `${what} is invalid: ${fieldPath(issue?.path ?? []) || '(body)'}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  return { ok: true, value: parsed.data };
}

function invalid(message: string): { ok: false; error: ServiceError } {
  return { ok: false, error: { status: 400, code: 'invalid_request', message } };
}
