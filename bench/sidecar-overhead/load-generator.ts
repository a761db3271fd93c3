import { Pool } from 'undici';

/** One way to reach the mock upstream: a base URL, the headers that path needs, and its own pool. */
export interface CallPath {
  name: string;
  /** Origin, e.g. http://127.0.0.1:4000. */
  origin: string;
  /** Path of the call, e.g. /v1/chat/completions. */
  path: string;
  headers: Record<string, string>;
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
    const perRound = Math.ceil(options.calls / options.rounds);
    for (let round = 0; round < options.rounds; round++) {
      for (const path of paths) {
        const pool = pools.get(path.name)!;
        const list = samples.get(path.name)!;
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

/** Calls per second with `connections` callers each keeping one call in flight for `seconds`. */
export async function throughput(
  path: CallPath,
  options: { connections: number; seconds: number; body: string },
): Promise<{ perSecond: number; calls: number; errors: number }> {
  const pool = new Pool(path.origin, { connections: options.connections, pipelining: 1 });
  const until = performance.now() + options.seconds * 1000;
  let calls = 0;
  let errors = 0;
  const started = performance.now();
  const caller = async () => {
    while (performance.now() < until) {
      try {
        await call(pool, path, options.body);
        calls++;
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, caller));
  } finally {
    await pool.close();
  }
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: calls / elapsed, calls, errors };
}
