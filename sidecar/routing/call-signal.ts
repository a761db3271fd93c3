/** The part of AbortSignal the routing reads; an AbortSignal is one, and so is a `OneShotAbort`. */
export interface CallSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * An abort flag with listeners, and no EventTarget behind it. A call needs two aborts (the agent
 * left; an attempt timed out) and an AbortController costs microseconds to make and to listen to,
 * on every call. undici takes this as a request `signal`: it reads `aborted` and `reason` and adds
 * one `abort` listener. Listeners run once, in the order they were added.
 */
export class OneShotAbort implements CallSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] = [];

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at !== -1) this.listeners.splice(at, 1);
  }
}

/** Waits `ms`; resolves false then, or true as soon as `signal` aborts (the agent left). */
export function pause(ms: number, signal: CallSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
