// What one budget lease ask costs as the book grows (docs/adr/0066-lease-book-totals.md): `holders`
// lease holders of one budget ask again and again, half through each of two services replicas (two
// connections, each batching its asks of the book), against Debian's redis-server on loopback (AOF everysec),
// through the real grant path (sidecar-services/budget-lease-grant.ts → the Redis lease books). No
// HTTP, TLS or TokenReview: the book alone. Each holder reports half its last slice as settled, then
// asks again after `pause-ms`. Printed per holder count: asks answered a second, this process's CPU
// per ask (the services' share: decide, encode, the client side of Redis), redis-server's CPU per ask
// (INFO CPU), and the ask latency.
//
//   npm run bench:lease-book [-- --holders 250,1000,3000,10000 --seconds 8 --pause-ms 0]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { type EffectiveBudget, effectiveBudget } from '../apis/effective-policy.js';
import { BookBatches } from '../sidecar-services/book-batches.js';
import { type LeaseBatches, leaseBudget } from '../sidecar-services/budget-lease-grant.js';
import { RedisLeaseBooks } from '../sidecar-services/usage-store/redis-lease-books.js';
import { RedisServer } from '../testing/redis-server.js';
import { summarize } from './sidecar-overhead/latency-summary.js';

const { values } = parseArgs({
  options: {
    holders: { type: 'string', default: '250,1000,3000,10000' },
    seconds: { type: 'string', default: '8' },
    'pause-ms': { type: 'string', default: '0' },
  },
});
const holderCounts = values.holders.split(',').map(Number);
const seconds = Number(values.seconds);
const pauseMs = Number(values['pause-ms']);

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function run(server: RedisServer, holders: number): Promise<void> {
  const periodEnd = new Date(Date.now() + 24 * 3_600_000).toISOString();
  const budget: EffectiveBudget = effectiveBudget.parse({
    name: `bench/holders-${holders}`,
    phase: 'Active',
    actions: [],
    limitTokens: 1e12,
    usedTokens: 0,
    periodEnd,
    thresholds: [{ percent: 75, actions: ['Alert'] }],
  });
  const clients = [new Redis(server.url), new Redis(server.url)];
  const replicas = clients.map((c) => ({
    books: new RedisLeaseBooks(c),
    batches: new BookBatches() as LeaseBatches,
  }));
  const settled = new Array<number>(holders).fill(0);
  const slice = new Array<number>(holders).fill(0);
  const ask = async (index: number, round: number) => {
    settled[index] = (settled[index] ?? 0) + Math.floor((slice[index] ?? 0) / 2);
    const replica = replicas[(index + round) % 2] as (typeof replicas)[number];
    const grant = await leaseBudget(
      replica.books,
      replica.batches,
      budget,
      `holder-${index}`,
      {
        budget: budget.name,
        settledTokens: settled[index] ?? 0,
        reservedTokens: 0,
        ratePerSecond: 100,
        callTokens: 100,
        release: false,
      },
      Date.now,
    );
    slice[index] = grant.grantedTokens;
  };
  // Every holder takes its first lease before the window opens.
  await Promise.all(Array.from({ length: holders }, (_, i) => ask(i, 0)));

  const latencies: number[] = [];
  let answered = 0;
  let failed = 0;
  const redisBefore = await redisCpuSeconds(clients[0] as Redis);
  const cpuBefore = processCpuSeconds();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const holder = async (index: number) => {
    for (let round = 1; performance.now() < deadline; round++) {
      const began = performance.now();
      try {
        await ask(index, round);
        latencies.push(performance.now() - began);
        answered++;
      } catch {
        failed++;
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: holders }, (_, i) => holder(i)));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = processCpuSeconds() - cpuBefore;
  const redisCpu = (await redisCpuSeconds(clients[0] as Redis)) - redisBefore;
  const lat = summarize(latencies);
  console.log(
    [
      `holders ${holders}`,
      `asks/s ${(answered / elapsed).toFixed(0)}`,
      `failed ${failed}`,
      `services CPU/ask ${answered ? ((cpu / answered) * 1e6).toFixed(0) : '—'} µs`,
      `redis CPU/ask ${answered ? ((redisCpu / answered) * 1e6).toFixed(0) : '—'} µs`,
      `latency p50/p99 ${lat.median.toFixed(1)}/${lat.p99.toFixed(1)} ms`,
    ].join(' | '),
  );
  for (const c of clients) c.disconnect();
}

const server = await RedisServer.start({ appendfsync: 'everysec' });
try {
  console.log(
    `loadavg before ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${seconds} s windows, pause ${pauseMs} ms`,
  );
  for (const holders of holderCounts) await run(server, holders);
  console.log(
    `loadavg after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await server.close();
}
