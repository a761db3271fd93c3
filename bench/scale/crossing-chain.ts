// Where a crossing's time goes, link by link: from the ack of the usage that crossed, when the
// TokenBudget's status first said the new phase (the ledger feed and the budget reconciled), when
// the first agent's policy mirror ConfigMap said it (the policy compiled and the mirror written),
// when each replica first answered a fresh poll with it (its informer and store), and — from the
// simulated sidecars — when the holders held it. Each link is read every `everyMs` (a GET each),
// so a time is late by up to that much; the reads are few beside the sidecars' traffic.

/** Reads the phase one link shows now; undefined when it shows none (or cannot be read now). */
export type PhaseReader = () => Promise<string | undefined>;

export interface ChainLinks {
  /** ms from the crossing to the first read that showed the phase; undefined: never within the wait. */
  budgetMs?: number;
  mirrorMs?: number;
  replicaMs: Array<number | undefined>;
}

export interface ChainReaders {
  budget: PhaseReader;
  mirror: PhaseReader;
  replicas: PhaseReader[];
}

/** Reads every link until each showed `phase` or stop() is called; stop() gives the times from `crossedAt`. */
export function followChain(
  readers: ChainReaders,
  phase: string,
  everyMs = 50,
): { stop(crossedAt: number): Promise<ChainLinks> } {
  const seen = new Map<string, number>();
  let stopped = false;
  const follow = async (name: string, read: PhaseReader) => {
    while (!stopped && !seen.has(name)) {
      const shown = await read().catch(() => undefined);
      if (shown === phase) seen.set(name, performance.now());
      else await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
  const loops = [
    follow('budget', readers.budget),
    follow('mirror', readers.mirror),
    ...readers.replicas.map((read, i) => follow(`replica-${i}`, read)),
  ];
  return {
    async stop(crossedAt) {
      stopped = true;
      await Promise.all(loops);
      return chainLinks(crossedAt, seen, readers.replicas.length);
    },
  };
}

/** The times seen as delays from `crossedAt` (a link seen before it counts 0). Pure. */
export function chainLinks(
  crossedAt: number,
  seen: ReadonlyMap<string, number>,
  replicas: number,
): ChainLinks {
  const from = (name: string) => {
    const at = seen.get(name);
    return at === undefined ? undefined : Math.max(0, at - crossedAt);
  };
  const budgetMs = from('budget');
  const mirrorMs = from('mirror');
  return {
    ...(budgetMs === undefined ? {} : { budgetMs }),
    ...(mirrorMs === undefined ? {} : { mirrorMs }),
    replicaMs: Array.from({ length: replicas }, (_, i) => from(`replica-${i}`)),
  };
}

/** `budget status 120 ms → mirror 390 ms → replicas 420 / 450 ms`. */
export function describeChain(links: ChainLinks): string {
  const ms = (value: number | undefined) => (value === undefined ? 'never' : `${Math.round(value)} ms`);
  return `budget status ${ms(links.budgetMs)} → mirror ${ms(links.mirrorMs)} → replicas ${links.replicaMs.map(ms).join(' / ')}`;
}
