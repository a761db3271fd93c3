// Where a crossing's time goes, link by link: from the ack of the usage that crossed, when the
// TokenBudget's status first said the new phase (the ledger feed and the budget reconciled), when
// the first agent's policy mirror ConfigMap said it (the policy compiled and the mirror written),
// when each replica first answered a fresh poll with it (its informer and store), and — from the
// simulated sidecars — when the holders held it. Each link is read every `everyMs` (a GET each),
// so a time is late by up to that much plus the read's own round trip, which is reported beside it
// (a fresh read queues behind whatever a busy process is working through); the reads are few
// beside the sidecars' traffic.

/** Reads the phase one link shows now; undefined when it shows none (or cannot be read now). */
export type PhaseReader = () => Promise<string | undefined>;

/** ms from the crossing to the answer of the first read that showed the phase, and when that read was sent. */
export interface LinkTime {
  ms: number;
  sentMs: number;
}

export interface ChainLinks {
  /** undefined: never shown within the wait. */
  budget?: LinkTime;
  mirror?: LinkTime;
  /** Every agent's mirror. */
  mirrors?: LinkTime;
  replicas: Array<LinkTime | undefined>;
}

/** When a link's read that showed the phase was sent and answered (performance.now). */
export interface SeenRead {
  sentAt: number;
  at: number;
}

export interface ChainReaders {
  budget: PhaseReader;
  mirror: PhaseReader;
  /** The phase when every agent's mirror shows the same one, else undefined. */
  mirrors: PhaseReader;
  replicas: PhaseReader[];
}

/** Reads every link until each showed `phase` or stop() is called; stop() gives the times from `crossedAt`. */
export function followChain(
  readers: ChainReaders,
  phase: string,
  everyMs = 50,
): { stop(crossedAt: number): Promise<ChainLinks> } {
  const seen = new Map<string, SeenRead>();
  let stopped = false;
  const follow = async (name: string, read: PhaseReader) => {
    while (!stopped && !seen.has(name)) {
      const sentAt = performance.now();
      const shown = await read().catch(() => undefined);
      if (shown === phase) seen.set(name, { sentAt, at: performance.now() });
      else await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
  const loops = [
    follow('budget', readers.budget),
    follow('mirror', readers.mirror),
    follow('mirrors', readers.mirrors),
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
  seen: ReadonlyMap<string, SeenRead>,
  replicas: number,
): ChainLinks {
  const from = (name: string): LinkTime | undefined => {
    const read = seen.get(name);
    if (read === undefined) return undefined;
    return { ms: Math.max(0, read.at - crossedAt), sentMs: Math.max(0, read.sentAt - crossedAt) };
  };
  const budget = from('budget');
  const mirror = from('mirror');
  const mirrors = from('mirrors');
  return {
    ...(budget === undefined ? {} : { budget }),
    ...(mirror === undefined ? {} : { mirror }),
    ...(mirrors === undefined ? {} : { mirrors }),
    replicas: Array.from({ length: replicas }, (_, i) => from(`replica-${i}`)),
  };
}

/**
 * When the leader published the policies that carried the phase, from the crossing: a version is
 * its publish time in epoch milliseconds (sidecar-services/policy-version.ts), so the earliest and
 * the latest of the agents' versions, less the crossing's epoch time. Undefined without versions. Pure.
 */
export function publishTimes(
  crossedAtEpochMs: number,
  versions: Iterable<string>,
): { firstMs: number; lastMs: number } | undefined {
  const times = [...versions].map(Number).filter((v) => Number.isSafeInteger(v) && v > 0);
  if (times.length === 0) return undefined;
  return { firstMs: Math.min(...times) - crossedAtEpochMs, lastMs: Math.max(...times) - crossedAtEpochMs };
}

/** `published 40 / 95 ms after it (first / last agent)`, or that no holder got it by a policy. */
export function describePublish(times: { firstMs: number; lastMs: number } | undefined): string {
  if (times === undefined) return 'no holder got it by a policy';
  return `published ${Math.round(times.firstMs)} / ${Math.round(times.lastMs)} ms after it (first / last agent's version)`;
}

/** `budget status 120 ms (read sent at 80) → mirror … (every agent's …) → replicas 420 ms (read sent at 400) / never`. */
export function describeChain(links: ChainLinks): string {
  const time = (link: LinkTime | undefined) =>
    link === undefined ? 'never' : `${Math.round(link.ms)} ms (read sent at ${Math.round(link.sentMs)})`;
  return `budget status ${time(links.budget)} → mirror ${time(links.mirror)} (every agent's ${time(links.mirrors)}) → replicas ${links.replicas.map(time).join(' / ')}`;
}
