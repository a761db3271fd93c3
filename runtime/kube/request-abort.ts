// One request's abort signal: fired by any of the caller's signals (a leadership term, shutdown)
// or by its own deadline. Built by hand, and disposed of when the request ends, because
// AbortSignal.any() on Node 20 keeps every combined signal reachable from a long-lived source
// signal — about 60 bytes leaked per API request of a leader that runs for weeks.

import { setMaxListeners } from 'node:events';

/**
 * Caller signals (a leadership term, shutdown) carry a listener per request in flight — dozens at a
 * cold start, by design; Node would warn of a leak past ten.
 */
const manyListeners = new WeakSet<AbortSignal>();

export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export type CallerSignals = AbortSignal | readonly AbortSignal[] | undefined;

export class RequestAbort {
  private readonly controller = new AbortController();
  private readonly sources: readonly AbortSignal[];
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort = (event: Event) => {
    this.controller.abort((event.target as AbortSignal).reason);
  };

  constructor(callers: CallerSignals, timeoutMs?: number) {
    this.sources = callers === undefined ? [] : Array.isArray(callers) ? callers : [callers as AbortSignal];
    for (const source of this.sources) {
      if (source.aborted) {
        this.controller.abort(source.reason);
        break;
      }
      if (!manyListeners.has(source)) {
        setMaxListeners(0, source);
        manyListeners.add(source);
      }
      source.addEventListener('abort', this.onAbort, { once: true });
    }
    if (timeoutMs !== undefined && !this.controller.signal.aborted) {
      this.timer = setTimeout(
        () => this.controller.abort(new RequestTimeoutError(`no answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The reason of the caller's signal that fired, if one did (not the deadline). */
  callerReason(): { reason: unknown } | undefined {
    const fired = this.sources.find((source) => source.aborted);
    return fired ? { reason: fired.reason } : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const source of this.sources) source.removeEventListener('abort', this.onAbort);
  }
}
