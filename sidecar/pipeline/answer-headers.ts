import type { ServerResponse } from 'node:http';
import { GOVERNOR_HEADERS } from '../http/governor-headers.js';

/** What the x-governor-* headers of one answer say. */
export interface GovernorHeaders {
  policyVersion: string;
  traceId: string;
  route?: string;
  target?: string;
  attempts?: number;
  fallbackReasons: string[];
  staticFallback?: boolean;
  cache?: 'hit' | 'miss' | 'bypass';
  decisions: string[];
  /** The input estimate of the call as sent by the agent, and as sent upstream (after compression). */
  inputTokensBefore?: number;
  inputTokensAfter?: number;
  /** What the Summarize step did (x-governor-summary). */
  summary?: string;
  /** The prompt template the call met, `name@version` as the policy holds it. */
  promptTemplate?: string;
  /** `<experiment>/<variant>` of a call on a route with an experiment. */
  variant?: string;
}

/**
 * Writes the head of an answer: `status`, the answer's own `headers`, its `content-length` when given
 * and the governor headers, in one `writeHead` with a flat name/value list (no per-header `setHeader`
 * bookkeeping on the hot path). Headers set on `res` before (e.g. `retry-after`) are kept. Values are
 * ASCII by construction.
 */
export function writeGovernedHead(
  res: ServerResponse,
  status: number,
  governor: GovernorHeaders,
  headers: Readonly<Record<string, string | number>>,
  contentLength?: number,
): void {
  const raw: (string | number)[] = [];
  for (const name in headers) raw.push(name, headers[name] as string | number);
  if (contentLength !== undefined) raw.push('content-length', contentLength);
  raw.push(
    GOVERNOR_HEADERS.policyVersion,
    governor.policyVersion,
    GOVERNOR_HEADERS.traceId,
    governor.traceId,
  );
  if (governor.route !== undefined) raw.push(GOVERNOR_HEADERS.route, headerSafe(governor.route));
  if (governor.target !== undefined) raw.push(GOVERNOR_HEADERS.target, headerSafe(governor.target));
  if (governor.attempts !== undefined) raw.push(GOVERNOR_HEADERS.attempts, String(governor.attempts));
  if (governor.fallbackReasons.length > 0) {
    raw.push(GOVERNOR_HEADERS.fallbackReason, headerSafe(governor.fallbackReasons.join(',')));
  }
  if (governor.staticFallback) raw.push(GOVERNOR_HEADERS.fallback, 'static');
  if (governor.cache !== undefined) raw.push(GOVERNOR_HEADERS.cache, governor.cache);
  if (governor.inputTokensBefore !== undefined) {
    raw.push(GOVERNOR_HEADERS.inputTokensBefore, String(governor.inputTokensBefore));
    raw.push(
      GOVERNOR_HEADERS.inputTokensAfter,
      String(governor.inputTokensAfter ?? governor.inputTokensBefore),
    );
  }
  if (governor.summary !== undefined) raw.push(GOVERNOR_HEADERS.summary, governor.summary);
  if (governor.promptTemplate !== undefined)
    raw.push(GOVERNOR_HEADERS.promptTemplate, headerSafe(governor.promptTemplate));
  if (governor.variant !== undefined) raw.push(GOVERNOR_HEADERS.variant, headerSafe(governor.variant));
  if (governor.decisions.length > 0)
    raw.push(GOVERNOR_HEADERS.decision, headerSafe(governor.decisions.join(',')));
  res.writeHead(status, raw);
}

const UNSAFE = /[^\x20-\x7e]/;
const UNSAFE_ALL = /[^\x20-\x7e]/g;

/** Header values must be visible ASCII; a model name from the agent could be anything. */
function headerSafe(value: string): string {
  const safe = UNSAFE.test(value) ? value.replace(UNSAFE_ALL, '?') : value;
  return safe.length > 1024 ? safe.slice(0, 1024) : safe;
}
