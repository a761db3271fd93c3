// The asks of one lease book in this process, decided in batches: while a turn of a book runs (read,
// decide, write at the revision read), the asks for that book that arrive wait, and the next turn
// takes them all at once — one store round trip pair per batch, not per ask
// (docs/adr/0066-lease-book-totals.md). Turns of one book never overlap in this process, so its asks
// do not race each other at the store; replicas still race each other, and the revision check decides.

/** Asks decided in one turn at most; the rest wait for the next. */
export const MAX_BATCH = 1_000;

interface Waiting<A, R> {
  item: A;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

interface Line<A, R> {
  waiting: Waiting<A, R>[];
  turn: (items: A[]) => Promise<R[]>;
}

export class BookBatches<A, R> {
  private readonly lines = new Map<string, Line<A, R>>();

  constructor(private readonly maxBatch = MAX_BATCH) {}

  /**
   * Decides `item` in a turn of `key` with the asks waiting beside it: `turn` gets them in the order
   * they came and answers one result per ask, in that order. When no turn of `key` runs, one starts
   * once the current I/O callbacks are done (asks arriving with this one join it). Every turn of a
   * key is run by the `turn` of the ask that opened its line: pass the same one for a key.
   */
  submit(key: string, item: A, turn: (items: A[]) => Promise<R[]>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let line = this.lines.get(key);
      if (!line) {
        const started: Line<A, R> = { waiting: [], turn };
        this.lines.set(key, started);
        line = started;
        setImmediate(() => void this.drain(key, started));
      }
      line.waiting.push({ item, resolve, reject });
    });
  }

  /** Asks of `key` waiting now (metrics, tests). */
  waiting(key: string): number {
    return this.lines.get(key)?.waiting.length ?? 0;
  }

  private async drain(key: string, line: Line<A, R>): Promise<void> {
    while (line.waiting.length > 0) {
      const batch = line.waiting.splice(0, this.maxBatch);
      try {
        const results = await line.turn(batch.map((w) => w.item));
        if (results.length !== batch.length) {
          throw new Error(`a turn of ${key} answered ${results.length} asks of ${batch.length}`);
        }
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.lines.delete(key);
  }
}
