// A de-duplicating, rate-limited work queue of keys (client-go's workqueue in one class):
// `add` queues a key unless it is already queued; a key being processed that is added again is
// processed once more after `done`; `addAfter` / `addRateLimited` add it later (the earliest of
// several delays wins). `take` hands out ready keys in FIFO order. `onReady` is called whenever a
// key becomes ready, so the controller can start a worker without polling.
import { type KeyState, keyTransition } from './key-state.js';
import { KeyRateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  rateLimiter?: KeyRateLimiter;
  onReady?: () => void;
}

export class WorkQueue {
  private readonly states = new Map<string, KeyState>();
  private fifo: string[] = [];
  private head = 0;
  private readonly delayed = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private readonly rateLimiter: KeyRateLimiter;
  private stopped = false;
  onReady: () => void;

  constructor(options: WorkQueueOptions = {}) {
    this.rateLimiter = options.rateLimiter ?? new KeyRateLimiter();
    this.onReady = options.onReady ?? (() => {});
  }

  add(key: string): void {
    if (this.stopped) return;
    const { next, enqueue } = keyTransition(this.states.get(key) ?? 'idle', 'add');
    this.states.set(key, next);
    if (enqueue) this.push(key);
  }

  /** Adds the key after `delayMs`; when it is already waiting, the earlier time wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const due = Date.now() + delayMs;
    const waiting = this.delayed.get(key);
    if (waiting && waiting.due <= due) return;
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { due, timer });
  }

  /** Adds the key after its rate-limited backoff (it failed); returns the delay chosen. */
  addRateLimited(key: string): number {
    const delay = this.rateLimiter.when(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** The key succeeded: its next failure backs off from the start again. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  failuresOf(key: string): number {
    return this.rateLimiter.failuresOf(key);
  }

  /** The next ready key, now being processed; undefined when none is ready. */
  take(): string | undefined {
    if (this.stopped) return undefined;
    while (this.head < this.fifo.length) {
      const key = this.fifo[this.head++] as string;
      if (this.head > 1024 && this.head * 2 > this.fifo.length) {
        this.fifo = this.fifo.slice(this.head);
        this.head = 0;
      }
      const { next } = keyTransition(this.states.get(key) ?? 'idle', 'start');
      this.states.set(key, next);
      return key;
    }
    return undefined;
  }

  /** Processing of `key` ended; if it was added meanwhile it becomes ready again. */
  done(key: string): void {
    const { next, enqueue } = keyTransition(this.states.get(key) ?? 'idle', 'finish');
    if (next === 'idle') this.states.delete(key);
    else this.states.set(key, next);
    if (enqueue && !this.stopped) this.push(key);
  }

  /** Ready keys waiting for a worker. */
  get depth(): number {
    return this.fifo.length - this.head;
  }

  /** Keys waiting for their delay to pass. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Stops handing out keys and drops everything queued or delayed. */
  shutDown(): void {
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.fifo = [];
    this.head = 0;
  }

  get isShutDown(): boolean {
    return this.stopped;
  }

  private push(key: string): void {
    this.fifo.push(key);
    this.onReady();
  }
}
