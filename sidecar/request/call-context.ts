import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GOVERNOR_REQUEST_HEADERS } from '../http/governor-headers.js';

/** Generated trace ids: a random prefix per process and a counter (unique, cheap; not secrets). */
const PREFIX = randomBytes(8).toString('hex');
let counter = 0;

function generatedTraceId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return PREFIX + counter.toString(16).padStart(16, '0');
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;
const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type CallContext =
  | {
      ok: true;
      traceId: string;
      traceFromClient: boolean;
      chainDepth?: number;
      useCase?: string;
      /** The span of the agent's `traceparent` (its parent-id), when it sent one. */
      parentSpanId?: string;
      /** The agent's `traceparent` said the trace is not sampled (flags without bit 0). */
      notSampled?: true;
    }
  | { ok: false; header: string; message: string };

/**
 * What the agent says about the call: its trace (W3C `traceparent`, else `x-governor-trace-id`,
 * else a generated id — calls per trace are only limited for traces the agent names), how deep in
 * an agent-to-agent chain it is, and its use case. A malformed governor header is an error, so a
 * typo does not silently escape the reasoning budget.
 */
export function callContext(headers: IncomingHttpHeaders): CallContext {
  let traceId: string | undefined;
  let parentSpanId: string | undefined;
  let notSampled = false;
  const traceparent = headers['traceparent'];
  if (typeof traceparent === 'string') {
    const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
    if (match && match[1] !== '0'.repeat(32) && match[2] !== '0'.repeat(16)) {
      traceId = match[1];
      parentSpanId = match[2];
      notSampled = (Number.parseInt(match[3] as string, 16) & 1) === 0;
    }
  }
  if (traceId === undefined) {
    const given = headers[GOVERNOR_REQUEST_HEADERS.traceId];
    if (typeof given === 'string') {
      if (!TRACE_ID.test(given)) {
        return {
          ok: false,
          header: GOVERNOR_REQUEST_HEADERS.traceId,
          message: `${GOVERNOR_REQUEST_HEADERS.traceId} must be 1 to 128 letters, digits or . _ : -, got ${JSON.stringify(given.slice(0, 40))}`,
        };
      }
      traceId = given;
    }
  }
  const result: CallContext = {
    ok: true,
    traceId: traceId ?? generatedTraceId(),
    traceFromClient: traceId !== undefined,
  };
  if (parentSpanId !== undefined) result.parentSpanId = parentSpanId;
  if (notSampled) result.notSampled = true;
  const depth = headers[GOVERNOR_REQUEST_HEADERS.chainDepth];
  if (typeof depth === 'string') {
    if (!/^[0-9]{1,6}$/.test(depth.trim())) {
      return {
        ok: false,
        header: GOVERNOR_REQUEST_HEADERS.chainDepth,
        message: `${GOVERNOR_REQUEST_HEADERS.chainDepth} must be a whole number such as 2, got ${JSON.stringify(depth.slice(0, 40))}`,
      };
    }
    result.chainDepth = Number(depth.trim());
  }
  const useCase = headers[GOVERNOR_REQUEST_HEADERS.useCase];
  if (typeof useCase === 'string' && useCase.trim() !== '') result.useCase = useCase.trim();
  return result;
}
