// The replicas' part of a crossing's way to the sidecars (pure): from each replica's histogram
// `governor_operator_sidecar_policy_fanout_seconds` (one observation per policy change that
// answered held long-polls: first answer written to the last), read before and after a crossing,
// how many changes fanned out, their mean, and the bucket bound every one of them stayed within;
// and each replica's event-loop delay over the same time (prom-client's monitorEventLoopDelay
// statistics, which start again at each scrape: the reading after a crossing covers it alone).

export interface HistogramReading {
  count: number;
  sum: number;
  /** Cumulative count per upper bound (seconds), +Inf included. */
  buckets: Map<number, number>;
}

export interface Fanout {
  changes: number;
  meanMs: number;
  /** The smallest bucket bound all changes in between stayed within (ms); Infinity past the last. */
  withinMs: number;
  /** Each replica's event-loop delay since the reading before, when known. */
  loopDelays?: LoopDelay[];
  /** The versions the replicas took from the mirrors meanwhile: seconds from the publish (ms here). */
  arrival?: Fanout;
}

/** One process's event-loop delay over a time: how late a timer of the loop ran. */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

const LOOP_DELAY_P99 = 'governor_operator_nodejs_eventloop_lag_p99_seconds';
const LOOP_DELAY_MAX = 'governor_operator_nodejs_eventloop_lag_max_seconds';

/** Each text's (replica's) event-loop delay since its previous scrape; undefined where it has none. */
export function readLoopDelays(texts: readonly string[]): Array<LoopDelay | undefined> {
  const gauge = (text: string, name: string) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
    return match ? Number(match[1]) * 1_000 : undefined;
  };
  return texts.map((text) => {
    const p99Ms = gauge(text, LOOP_DELAY_P99);
    const maxMs = gauge(text, LOOP_DELAY_MAX);
    return p99Ms === undefined || maxMs === undefined ? undefined : { p99Ms, maxMs };
  });
}

/** The histogram `name` in a Prometheus text exposition, summed over every `text` (the replicas). */
export function readHistogram(texts: readonly string[], name: string): HistogramReading {
  const reading: HistogramReading = { count: 0, sum: 0, buckets: new Map() };
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
  for (const text of texts) {
    for (const row of text.split('\n')) {
      const match = line.exec(row);
      if (!match) continue;
      const value = Number(match[3]);
      if (match[1] === `${name}_count`) reading.count += value;
      else if (match[1] === `${name}_sum`) reading.sum += value;
      else if (match[1] === `${name}_bucket`) {
        const le = /le="([^"]+)"/.exec(match[2] ?? '')?.[1];
        if (le === undefined) continue;
        const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
        reading.buckets.set(bound, (reading.buckets.get(bound) ?? 0) + value);
      }
    }
  }
  return reading;
}

/** What fanned out between two readings of the same replicas. */
export function fanoutBetween(before: HistogramReading, after: HistogramReading): Fanout {
  const changes = after.count - before.count;
  if (changes <= 0) return { changes: 0, meanMs: Number.NaN, withinMs: Number.NaN };
  let withinMs = Number.POSITIVE_INFINITY;
  for (const bound of [...after.buckets.keys()].sort((a, b) => a - b)) {
    const inBucket = (after.buckets.get(bound) ?? 0) - (before.buckets.get(bound) ?? 0);
    if (inBucket >= changes) {
      withinMs = bound * 1_000;
      break;
    }
  }
  return { changes, meanMs: ((after.sum - before.sum) / changes) * 1_000, withinMs };
}

/** `20 changes, mean 54 ms, each within 100 ms; the replicas' event-loop delay meanwhile, p99 / max: 120 / 480 ms, 90 / 300 ms` */
export function describeFanout(fanout: Fanout | undefined): string {
  const delays = fanout?.loopDelays?.length
    ? `; the replicas' event-loop delay meanwhile, p99 / max: ${fanout.loopDelays
        .map((d) => `${Math.round(d.p99Ms)} / ${Math.round(d.maxMs)} ms`)
        .join(', ')}`
    : '';
  const arrival = fanout?.arrival?.changes
    ? `; the mirrors reached the replicas ${fanout.arrival.changes} time${fanout.arrival.changes === 1 ? '' : 's'}, mean ${Math.round(fanout.arrival.meanMs)} ms after the publish, each within ${within(fanout.arrival)}`
    : '';
  if (fanout === undefined || fanout.changes === 0) return `none seen${delays}${arrival}`;
  return `${fanout.changes} change${fanout.changes === 1 ? '' : 's'}, mean ${Math.round(fanout.meanMs)} ms, each within ${within(fanout)}${delays}${arrival}`;
}

function within(fanout: Fanout): string {
  return Number.isFinite(fanout.withinMs) ? `${fanout.withinMs} ms` : 'the last bucket';
}
