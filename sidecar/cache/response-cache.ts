import { LRUCache } from 'lru-cache';
import { type CachedResponse, notCacheable } from './cacheable-response.js';

export type { CachedResponse } from './cacheable-response.js';

/** A route's cache bounds, from the policy (`routes[].cache`). */
export interface CacheLimits {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

/** Bytes an entry holds beyond its body: headers, key and bookkeeping. */
function entrySize(key: string, entry: CachedResponse): number {
  let size = entry.body.length + key.length + 128;
  for (const [name, value] of Object.entries(entry.headers)) size += name.length + value.length;
  return size;
}

interface RouteCache {
  limits: CacheLimits;
  entries: LRUCache<string, CachedResponse>;
}

/**
 * Exact-match response cache, one LRU per route with that route's TTL, entry count and byte bounds
 * (least recently used entries leave first). A route whose limits change starts an empty cache.
 */
export class ResponseCache {
  private readonly routes = new Map<string, RouteCache>();
  private readonly now: (() => number) | undefined;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now;
  }

  get(route: string, key: string): CachedResponse | undefined {
    return this.routes.get(route)?.entries.get(key);
  }

  /** Stores a complete 200 answer; returns false (and stores nothing) for any other, or one too big for the route. */
  set(route: string, key: string, entry: CachedResponse, limits: CacheLimits): boolean {
    if (notCacheable(entry) !== undefined) return false;
    const cache = this.routeCache(route, limits);
    if (entrySize(key, entry) > limits.maxBytes) return false;
    cache.entries.set(key, entry);
    return cache.entries.has(key);
  }

  /** Drops the caches of routes the policy no longer has. */
  retainRoutes(routes: Iterable<string>): void {
    const keep = new Set(routes);
    for (const route of [...this.routes.keys()]) if (!keep.has(route)) this.routes.delete(route);
  }

  /** Entries and bytes held per route. */
  stats(): { route: string; entries: number; bytes: number }[] {
    return [...this.routes].map(([route, c]) => ({
      route,
      entries: c.entries.size,
      bytes: c.entries.calculatedSize,
    }));
  }

  private routeCache(route: string, limits: CacheLimits): RouteCache {
    const existing = this.routes.get(route);
    if (
      existing &&
      existing.limits.ttlMs === limits.ttlMs &&
      existing.limits.maxEntries === limits.maxEntries &&
      existing.limits.maxBytes === limits.maxBytes
    ) {
      return existing;
    }
    const cache: RouteCache = {
      limits: { ...limits },
      entries: new LRUCache<string, CachedResponse>({
        max: limits.maxEntries,
        maxSize: limits.maxBytes,
        ttl: limits.ttlMs,
        sizeCalculation: (entry, key) => entrySize(key, entry),
        // An injected clock (tests) is read on every check rather than cached for a millisecond.
        ...(this.now ? { perf: { now: this.now }, ttlResolution: 0 } : {}),
      }),
    };
    this.routes.set(route, cache);
    return cache;
  }
}
