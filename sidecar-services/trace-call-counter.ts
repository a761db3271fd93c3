// The count of calls per trace across all sidecars of an agent (docs/adr/0042-calls-per-trace-across-pods.md):
// in the leader's memory, bounded (least recently used traces forgotten first) and forgotten an hour
// after a trace's last call, like each sidecar's own count. Lost with the leader; sidecars then seed
// it again with the largest count they know (`seen`).
import { LRUCache } from 'lru-cache';
import { type TraceCallCount, type TraceCallTake, takeTraceCall } from '../apis/trace-call-count.js';

export interface TraceCallCounterOptions {
  /** Traces remembered at once, all agents together; default 200,000 (about 30 MB at most). */
  maxTraces?: number;
  /** A trace is forgotten this long after its last call; default 1 h (the sidecar's own count's TTL). */
  ttlMs?: number;
  now?: () => number;
}

export class TraceCallCounter {
  private readonly counts: LRUCache<string, number>;

  constructor(options: TraceCallCounterOptions = {}) {
    this.counts = new LRUCache<string, number>({
      max: options.maxTraces ?? 200_000,
      ttl: options.ttlMs ?? 3_600_000,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  /** Counts one more call of `take.traceId` of the agent unless the trace has made `take.limit` calls. */
  take(namespace: string, agent: string, take: TraceCallTake): TraceCallCount {
    // Names of namespaces and agents cannot hold a space; trace ids cannot either.
    const key = `${namespace} ${agent} ${take.traceId}`;
    const answer = takeTraceCall(this.counts.get(key) ?? 0, take);
    // A refused take still refreshes the count (raised to `seen`): the trace is in use.
    this.counts.set(key, answer.calls);
    return answer;
  }

  get size(): number {
    return this.counts.size;
  }
}
