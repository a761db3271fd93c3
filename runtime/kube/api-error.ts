// A failed API request, carrying what a person (and the retry logic) needs: which request, the HTTP
// status, the Kubernetes Status reason and message. Status 0 means no answer at all (connection
// refused or reset, timeout).

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** What was attempted, e.g. `patch deployments.apps team-a/support`. */
    readonly request: string,
    /** HTTP status; 0 when the server did not answer. */
    readonly status: number,
    /** The Status reason (`NotFound`, `Conflict`, `Expired`, …) when the server gave one. */
    readonly reason: string | undefined,
    /** The server's own message, or the network error's. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    const what = status === 0 ? 'no answer from the API server' : `${status}${reason ? ` ${reason}` : ''}`;
    super(`${request}: ${what}: ${detail}`, options);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isNotFound(error: unknown): boolean {
  return isApiError(error) && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return isApiError(error) && error.status === 409;
}

export function isAlreadyExists(error: unknown): boolean {
  return isApiError(error) && error.status === 409 && error.reason === 'AlreadyExists';
}

/** 410 Gone: a resourceVersion (or list continue token) the server no longer has. */
export function isGone(error: unknown): boolean {
  return isApiError(error) && (error.status === 410 || error.reason === 'Expired' || error.reason === 'Gone');
}

/** The Kubernetes Status object the API server answers errors with. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export function isStatus(value: unknown): value is ApiStatus {
  return typeof value === 'object' && value !== null && (value as ApiStatus).kind === 'Status';
}
