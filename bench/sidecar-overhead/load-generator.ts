import { Pool } from 'undici';

/** One way to reach the mock upstream: a base URL, the headers that path needs, and its own pool. */
export interface CallPath {
  name: string;
  /** Origin, e.g. http://127.0.0.1:4000. */
  origin: string;
  /** Path of the call, e.g. /v1/chat/completions. */
  path: string;
  headers: Record<string, string>;
  /**
   * Share of the sequential calls this path makes (default 1): a proxy that takes tens of
   * milliseconds a call (LiteLLM) is sampled less so that a run stays within minutes.
   */
  share?: number;
}

const CHAT = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Say something about foxes.' }] };
export const CHAT_BODY = JSON.stringify(CHAT);
export const STREAM_BODY = JSON.stringify({ ...CHAT, stream: true });

/** One call: resolves with (headers-to-last-byte) latency and time to the first body byte, in ms. */
async function call(
  pool: Pool,
  target: CallPath,
  body: string,
): Promise<{ totalMs: number; firstByteMs: number }> {
  const started = performance.now();
  const response = await pool.request({
    method: 'POST',
    path: target.path,
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  let firstByteMs = -1;
  for await (const _chunk of response.body) {
    if (firstByteMs < 0) firstByteMs = performance.now() - started;
  }
  if (response.statusCode !== 200) throw new Error(`${target.name} answered ${response.statusCode}`);
  return { totalMs: performance.now() - started, firstByteMs };
}

/**
 * Sequential calls, the paths interleaved round by round so that drift of the machine (other load,
 * CPU frequency) hits every path alike. Returns the latencies (or first-byte times) per path.
 */
export async function interleavedLatencies(
  paths: readonly CallPath[],
  options: { calls: number; rounds: number; body: string; measure: 'total' | 'firstByte' },
): Promise<Map<string, number[]>> {
  const pools = new Map(paths.map((path) => [path.name, new Pool(path.origin, { connections: 1 })]));
  const samples = new Map(paths.map((path) => [path.name, [] as number[]]));
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const path of paths) {
        const pool = pools.get(path.name)!;
        const list = samples.get(path.name)!;
        const perRound = Math.max(1, Math.ceil((options.calls * (path.share ?? 1)) / options.rounds));
        for (let i = 0; i < perRound; i++) {
          const timing = await call(pool, path, options.body);
          list.push(options.measure === 'total' ? timing.totalMs : timing.firstByteMs);
        }
      }
    }
  } finally {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
  }
  return samples;
}

export interface Throughput {
  perSecond: number;
  calls: number;
  errors: number;
}

/** Calls per second with `connections` callers each keeping one call in flight for `seconds`. */
export async function throughput(
  path: CallPath,
  options: { connections: number; seconds: number; body: string },
): Promise<Throughput> {
  const pool = new Pool(path.origin, { connections: options.connections, pipelining: 1 });
  try {
    const w = await loadWindow(pool, path, options.connections, options.seconds * 1000, options.body);
    return { perSecond: w.calls / (w.ms / 1000), calls: w.calls, errors: w.errors };
  } finally {
    await pool.close();
  }
}

/**
 * Throughput of each path with `connections` callers, `seconds` of load per path, taken in `rounds`
 * windows interleaved path by path (each path keeps its pool and connections throughout), so that the
 * machine's drift — other work starting or stopping — hits every path alike rather than whichever ran
 * last. `onWindow` is told when each path's window starts and ends (to sample its memory).
 */
export async function interleavedThroughput(
  paths: readonly CallPath[],
  options: {
    connections: number;
    seconds: number;
    rounds: number;
    body: string;
    onWindow?: (path: CallPath, moment: 'start' | 'end') => void;
    /** Told each window's rate as it ends (the run's spread, on stderr). */
    onRate?: (path: CallPath, round: number, perSecond: number) => void;
  },
): Promise<Map<string, Throughput>> {
  const pools = new Map(
    paths.map((path) => [
      path.name,
      new Pool(path.origin, { connections: options.connections, pipelining: 1 }),
    ]),
  );
  const totals = new Map(paths.map((path) => [path.name, { calls: 0, errors: 0, ms: 0 }]));
  const windowMs = (options.seconds * 1000) / options.rounds;
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const path of paths) {
        options.onWindow?.(path, 'start');
        const w = await loadWindow(pools.get(path.name)!, path, options.connections, windowMs, options.body);
        options.onWindow?.(path, 'end');
        options.onRate?.(path, round, w.calls / (w.ms / 1000));
        const total = totals.get(path.name)!;
        total.calls += w.calls;
        total.errors += w.errors;
        total.ms += w.ms;
      }
    }
  } finally {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
  }
  return new Map(
    [...totals].map(([name, t]) => [
      name,
      { perSecond: t.calls / (t.ms / 1000), calls: t.calls, errors: t.errors },
    ]),
  );
}

/** `connections` callers on `pool` for `ms`; a call in flight at the end finishes and counts (so does its time). */
async function loadWindow(
  pool: Pool,
  path: CallPath,
  connections: number,
  ms: number,
  body: string,
): Promise<{ calls: number; errors: number; ms: number }> {
  const started = performance.now();
  const until = started + ms;
  let calls = 0;
  let errors = 0;
  const caller = async () => {
    while (performance.now() < until) {
      try {
        await call(pool, path, body);
        calls++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, caller));
  return { calls, errors, ms: performance.now() - started };
}
