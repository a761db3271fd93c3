import type { CachedSummary } from './summary-plan.js';

export const DEFAULT_SUMMARY_CACHE_ENTRIES = 1024;

/**
 * The summaries a sidecar has written, by prefix key: bounded, the least recently used dropped first.
 * A key is also marked while its summary is being written, so each prefix is summarised once even
 * when several calls see it before the summary is back.
 */
export class SummaryCache {
  private readonly entries = new Map<string, CachedSummary>();
  private readonly writing = new Set<string>();

  constructor(private readonly maxEntries = DEFAULT_SUMMARY_CACHE_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedSummary | undefined {
    const found = this.entries.get(key);
    if (found !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, summary: CachedSummary): void {
    this.entries.delete(key);
    this.entries.set(key, summary);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Marks `key` as being written; false when it already is (or is written): nothing to start. */
  claim(key: string): boolean {
    if (this.writing.has(key) || this.entries.has(key)) return false;
    this.writing.add(key);
    return true;
  }

  /** The write of `key` ended (with or without a summary). */
  release(key: string): void {
    this.writing.delete(key);
  }
}
