import { LRUCache } from 'lru-cache';

/**
 * Calls made per trace, for the reasoning budget's `maxCallsPerTrace`. Bounded: at most `maxTraces`
 * traces are remembered (least recently used forgotten first) and a trace is forgotten `ttlMs` after
 * its last call, so a sidecar's memory does not grow with the traces it has seen.
 */
export class TraceCalls {
  private readonly calls: LRUCache<string, number>;

  constructor(options: { maxTraces?: number; ttlMs?: number; now?: () => number } = {}) {
    this.calls = new LRUCache<string, number>({
      max: options.maxTraces ?? 10_000,
      ttl: options.ttlMs ?? 3_600_000,
      // An injected clock (tests) is read on every check rather than cached for a millisecond.
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  count(traceId: string): number {
    return this.calls.get(traceId) ?? 0;
  }

  add(traceId: string): number {
    const next = this.count(traceId) + 1;
    this.calls.set(traceId, next);
    return next;
  }

  /** Raises the count to `calls` (what the operator counted across the agent's pods); never lowers it. */
  raise(traceId: string, calls: number): void {
    if (calls > this.count(traceId)) this.calls.set(traceId, calls);
  }

  get size(): number {
    return this.calls.size;
  }
}
