import type { Dispatcher } from 'undici';
import { type UpstreamHead, upstreamHead } from './upstream-headers.js';

/** Chunks the upstream may send ahead of the agent before the socket is paused. */
const AHEAD_CHUNKS = 16;

/**
 * One HTTP exchange with an upstream, driven through undici's dispatch handler interface — the layer
 * under `undici.request`, without its per-call AsyncResource, body stream and promise chain. The
 * caller awaits `head`, then either `whole()` (a JSON answer or a provider error, read into one
 * buffer) or `next()` chunk by chunk (a stream, paused while the agent is `AHEAD_CHUNKS` behind).
 * `abort()` ends it at any point: what is pending rejects with the reason (or undici's error).
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  /** The head once it arrived, and the promise of it once asked for (made only then: see `head`). */
  private arrivedHead: UpstreamHead | undefined;
  private headPromise: Promise<UpstreamHead> | undefined;
  private settleHead: { resolve(head: UpstreamHead): void; reject(err: Error): void } | undefined;
  private cancel: ((reason?: Error) => void) | undefined;
  private abortReason: Error | undefined;
  private resumeSocket: (() => void) | undefined;
  private paused = false;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** Bytes `whole()` keeps; more ends the exchange (what arrived so far is the answer). */
  private limit = Number.POSITIVE_INFINITY;
  private cutAtLimit = false;
  /** Read chunk by chunk: the socket pauses while the reader is behind. */
  private streaming = false;
  private ended = false;
  private error: Error | undefined;
  private waiter: { resolve(): void; reject(err: Error): void } | undefined;

  /**
   * Resolves with the status and headers; rejects when the exchange fails before them. The promise is
   * made when first asked for — a failure before that cannot surface as an unhandled rejection, and
   * no guard against one is needed on every call.
   */
  get head(): Promise<UpstreamHead> {
    if (this.headPromise) return this.headPromise;
    if (this.arrivedHead) this.headPromise = Promise.resolve(this.arrivedHead);
    else if (this.error) this.headPromise = Promise.reject(this.error);
    else {
      this.headPromise = new Promise((resolve, reject) => {
        this.settleHead = { resolve, reject };
      });
    }
    return this.headPromise;
  }

  /** Starts the exchange on `dispatcher` (a keep-alive pool per origin). */
  start(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): this {
    dispatcher.dispatch(options, this);
    return this;
  }

  abort(reason: Error): void {
    if (this.ended || this.error) return;
    this.abortReason ??= reason;
    this.cancel?.(reason);
  }

  /** The whole body, at most `limit` bytes of it (a longer one is cut there and the exchange ended). */
  async whole(limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
    this.limit = limit;
    if (this.size >= limit) this.stopAtLimit();
    while (!this.ended && !this.error) await this.wait();
    if (this.error && !this.cutAtLimit) throw this.error;
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
  }

  /**
   * The whole body when all of it has already arrived — the usual case for a short JSON answer, whose
   * head and body come in one read — else undefined (then await `whole()`).
   */
  arrived(): Buffer | undefined {
    if (!this.ended || this.error) return undefined;
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
  }

  /** The next chunk of the body, or undefined at its end. */
  async next(): Promise<Buffer | undefined> {
    this.streaming = true;
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.size -= chunk.length;
        if (this.paused && this.chunks.length < AHEAD_CHUNKS / 2) {
          this.paused = false;
          this.resumeSocket?.();
        }
        return chunk;
      }
      if (this.error) throw this.error;
      if (this.ended) return undefined;
      await this.wait();
    }
  }

  private stopAtLimit(): void {
    this.cutAtLimit = true;
    this.abort(abortError('the upstream answer is longer than the sidecar reads'));
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return;
    if (this.error && !this.cutAtLimit) waiter.reject(this.error);
    else waiter.resolve();
  }

  // undici's handler interface

  onConnect(abort: (err?: Error) => void): void {
    if (this.abortReason) abort(this.abortReason);
    else this.cancel = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx: the answer is still to come
    this.resumeSocket = resume;
    const head = upstreamHead(status, rawHeaders);
    this.arrivedHead = head;
    this.settleHead?.resolve(head);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.cutAtLimit) return true;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.limit) this.stopAtLimit();
    this.wake();
    if (this.streaming && this.chunks.length >= AHEAD_CHUNKS) {
      this.paused = true;
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.ended = true;
    this.wake();
  }

  onError(err: Error): void {
    this.error = this.abortReason ?? err;
    this.settleHead?.reject(this.error);
    this.wake();
  }
}

/** The error an exchange ends with when the sidecar ends it (a timeout, the agent gone, a cut). */
export function abortError(message: string): Error {
  const err = new Error(message);
  err.name = 'AbortError';
  return err;
}
