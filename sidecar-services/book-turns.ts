// One lease book written by one ask at a time in this process: asks of one replica for the same
// budget wait their turn instead of racing each other at the store (where all but one would lose
// the revision check and read again). Replicas still race each other; the revision check decides.

export class BookTurns {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `turn` after every earlier turn of `key` in this process has finished. */
  run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(turn, turn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
