import type { RETRY_ON } from '../../apis/fallback-route.js';

/**
 * Why one attempt at a target failed. The first four are the policy's `retryOn` values; the others
 * move on to the next target without retrying the same one.
 */
export type AttemptFailure =
  | (typeof RETRY_ON)[number]
  /** A 2xx answer the sidecar cannot read: not JSON, or a stream that broke before it began. */
  | 'BadResponse'
  /** The target's API key is configured but missing (unset variable, unreadable file). */
  | 'NoCredentials'
  /** The target's provider does not offer the API the agent called (e.g. Messages on Azure). */
  | 'UnsupportedApi';

/** Failures that count against a target's circuit: the target is unwell, not misused. */
export function countsAgainstCircuit(failure: AttemptFailure): boolean {
  return failure !== 'NoCredentials' && failure !== 'UnsupportedApi';
}

/** The failure an upstream HTTP status means, or undefined when the answer is to be relayed as is. */
export function failureOfStatus(status: number): AttemptFailure | undefined {
  if (status === 429) return 'RateLimited';
  if (status === 408) return 'Timeout';
  if (status >= 500) return 'ServerError';
  return undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** The failure a network error means: a timeout, else a connection error. */
export function failureOfError(err: unknown): AttemptFailure {
  const code = errorCode(err);
  if (code && TIMEOUT_CODES.has(code)) return 'Timeout';
  if (code && CONNECTION_CODES.has(code)) return 'ConnectionError';
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'Timeout';
  return 'ConnectionError';
}

/** The errno-style code of an error or of its cause (undici wraps socket errors). */
export function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
