interface Slot<K, V> {
  key: K;
  value: V;
  /** False once the key was set again (a newer slot holds it) or the entry was taken out. */
  live: boolean;
}

/**
 * Values by key in the order they were last set, for a bounded memory of recent things: look up a
 * key, set it (it becomes the newest), and take the oldest out — each in constant time, amortised.
 *
 * A Map alone iterates in insertion order, but V8 keeps a deleted entry's slot in its table until the
 * table is rebuilt, so reaching the oldest live entry of a Map used as a queue (delete the first,
 * add a last, again and again) walks over every entry deleted before it: thousands of slots a call
 * for the sidecar's 10,000 recent calls, which made remembering a call cost it about 50 µs
 * (docs/adr/0058-data-plane-floor.md). Here the order is a queue of slots of its own; a slot whose
 * key was set again is left dead in place and skipped when it reaches the front, and the queue is
 * compacted when dead slots outnumber live ones.
 */
export class ArrivalIndex<K, V> {
  private readonly byKey = new Map<K, Slot<K, V>>();
  private queue: Slot<K, V>[] = [];
  private head = 0;

  get size(): number {
    return this.byKey.size;
  }

  /** Slots held, live or dead (for tests: it stays within a small multiple of `size`). */
  get held(): number {
    return this.queue.length - this.head;
  }

  get(key: K): V | undefined {
    return this.byKey.get(key)?.value;
  }

  /** Sets `key` to `value` as the newest entry; returns the value it had, if any. */
  set(key: K, value: V): V | undefined {
    const previous = this.byKey.get(key);
    if (previous !== undefined) previous.live = false;
    const slot: Slot<K, V> = { key, value, live: true };
    this.byKey.set(key, slot);
    this.queue.push(slot);
    if (this.held > 2 * this.byKey.size + 64) this.compact();
    return previous?.value;
  }

  /** The oldest live entry's value, if any. */
  oldest(): V | undefined {
    this.skipDead();
    return this.head < this.queue.length ? this.queue[this.head]!.value : undefined;
  }

  /** Takes the oldest live entry out; returns its value. */
  takeOldest(): V | undefined {
    this.skipDead();
    if (this.head >= this.queue.length) return undefined;
    const slot = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as Slot<K, V>;
    slot.live = false;
    this.byKey.delete(slot.key);
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) this.compact();
    return slot.value;
  }

  private skipDead(): void {
    while (this.head < this.queue.length && !this.queue[this.head]!.live) {
      this.queue[this.head++] = undefined as unknown as Slot<K, V>;
    }
  }

  private compact(): void {
    const live: Slot<K, V>[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const slot = this.queue[i]!;
      if (slot.live) live.push(slot);
    }
    this.queue = live;
    this.head = 0;
  }
}
