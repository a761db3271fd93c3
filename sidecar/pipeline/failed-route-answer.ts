import type { ApiKind } from '../http/api-kind.js';
import { errorBody } from '../http/error-body.js';
import type { RouteFailure } from '../routing/route-runner.js';
import type { CallOutcome } from '../telemetry/request-record.js';

export interface FailedAnswer {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
  outcome: CallOutcome;
}

/**
 * What the agent gets when every target failed and the route has no static answer. The provider's
 * own JSON error is relayed when the last attempt got one (a 429 with its retry-after, a 5xx), so
 * the SDK's retry logic sees what it knows; otherwise the sidecar answers itself: 504 for timeouts,
 * 502 for unreachable targets and unreadable answers, 503 when every circuit is open — each naming
 * the route and why each target failed.
 */
export function failedRouteAnswer(api: ApiKind, route: string, failure: RouteFailure): FailedAnswer {
  const { last } = failure;
  if (
    last?.status !== undefined &&
    last.bytes !== undefined &&
    last.failure !== 'BadResponse' &&
    isJson(last.bytes)
  ) {
    return {
      status: last.status,
      headers: {
        ...(last.headers ?? {}),
        'content-type': 'application/json',
        'content-length': last.bytes.length,
      },
      body: last.bytes,
      outcome: last.failure === 'Timeout' ? 'Timeout' : 'ServerError',
    };
  }
  const why = failure.reasons.length > 0 ? failure.reasons.join(', ') : 'no target to try';
  const lastWords = last ? `; last: ${last.target}: ${last.message}` : '';
  let status: number;
  let code: string;
  let outcome: CallOutcome = 'ServerError';
  if (failure.deadlineExceeded || last?.failure === 'Timeout') {
    status = 504;
    code = 'upstream_timeout';
    outcome = 'Timeout';
  } else if (failure.attempts === 0 && failure.reasons.every((r) => r.endsWith(':CircuitOpen'))) {
    status = 503;
    code = 'circuit_open';
  } else if (last?.failure === 'UnsupportedApi') {
    status = 400;
    code = 'unsupported_api';
    outcome = 'ClientError';
  } else if (last?.failure === 'BadResponse') {
    status = 502;
    code = 'bad_upstream_response';
  } else if (last?.failure === 'NoCredentials') {
    status = 502;
    code = 'upstream_credentials_missing';
  } else {
    status = 502;
    code = 'upstream_unavailable';
  }
  const message =
    failure.deadlineExceeded && last?.failure !== 'Timeout'
      ? `route ${route}: no answer within the route's overall deadline (${why})${lastWords}`
      : `route ${route}: every target failed (${why})${lastWords}`;
  const answer = errorBody(api, status, code, message);
  const body = Buffer.from(answer.body);
  return {
    status,
    headers: { 'content-type': answer.contentType, 'content-length': body.length },
    body,
    outcome,
  };
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
