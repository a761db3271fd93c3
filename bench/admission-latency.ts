// How fast the admission webhooks answer: AdmissionReview latency (p50, p99) and throughput at 1, 16
// and 100 concurrent requests, against the real server (node:https on loopback, TLS) with the real
// residency validation handler — and, for comparison, sidecar injection — for a pod with ten
// containers of twenty env vars each. The server runs in a process of its own; this process is the
// load generator (undici Pool, one connection per caller, keep-alive, as the API server calls).
//
//   npm run bench:admission [-- --seconds 5 --levels 1,16,100 --profile DIR]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { admissionReviewBody } from './admission/admission-review-body.js';
import { processCpuMs } from './admission/process-cpu.js';
import { forkEntry } from './sidecar-overhead/bench-processes.js';
import { type LatencySummary, summarize } from './sidecar-overhead/latency-summary.js';

const TARGET_P99_MS_AT_100 = 5;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    levels: { type: 'string', default: '1,16,100' },
    // A directory for the server process's CPU profile (`--cpu-prof`), written when it exits.
    profile: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const levels = (values.levels ?? '').split(',').map(Number);
if (!(seconds > 0) || levels.some((n) => !Number.isInteger(n) || n < 1)) {
  throw new Error('--seconds must be above 0 and --levels a list of whole numbers, e.g. 1,16,100');
}

interface Run {
  path: string;
  concurrency: number;
  latency: LatencySummary;
  perSecond: number;
  /** Server CPU (user + system) per answered review, µs; undefined without /proc. */
  serverCpuUs: number | undefined;
  errors: number;
}

const body = admissionReviewBody();
const server = await forkEntry(
  '../admission/admission-server-process.js',
  [],
  values.profile ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', values.profile] } : {},
);
const loadAtStart = loadavg()[0] as number;
const started = performance.now();
const runs: Run[] = [];
try {
  const ca = server.message['ca'] as string;
  for (const path of ['/validate/residency', '/mutate/sidecar-injection']) {
    await check(server.url, ca, path);
    for (const concurrency of levels) {
      runs.push(await measure(server.url, ca, path, concurrency, server.pid));
    }
  }
} finally {
  await server.stop();
}
print(runs, (performance.now() - started) / 1000, [loadAtStart, loadavg()[0] as number]);

function post(pool: Pool, path: string) {
  return pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
}

/** The review is answered 200 and allowed (a denial or an error would measure something else). */
async function check(origin: string, ca: string, path: string): Promise<void> {
  const pool = new Pool(origin, { connections: 1, connect: { ca } });
  try {
    const response = await pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = (await response.body.json()) as { response?: { allowed?: boolean; status?: unknown } };
    if (response.statusCode !== 200 || answer.response?.allowed !== true) {
      throw new Error(`${path} answered ${response.statusCode}: ${JSON.stringify(answer.response?.status)}`);
    }
  } finally {
    await pool.close();
  }
}

/** `concurrency` callers, each with one review in flight on its own connection; a second of warm-up first. */
async function measure(
  origin: string,
  ca: string,
  path: string,
  concurrency: number,
  serverPid: number,
): Promise<Run> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, connect: { ca } });
  const samples: number[] = [];
  let errors = 0;
  let recording = false;
  const caller = async (until: number) => {
    while (performance.now() < until) {
      const sent = performance.now();
      try {
        const response = await post(pool, path);
        await response.body.arrayBuffer();
        if (response.statusCode !== 200) throw new Error(String(response.statusCode));
        if (recording) samples.push(performance.now() - sent);
      } catch {
        if (recording) errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, () => caller(performance.now() + 1_000)));
    recording = true;
    const cpuFrom = processCpuMs(serverPid);
    const from = performance.now();
    await Promise.all(Array.from({ length: concurrency }, () => caller(from + seconds * 1000)));
    const elapsed = (performance.now() - from) / 1000;
    const cpuTo = processCpuMs(serverPid);
    const serverCpuUs =
      cpuFrom === undefined || cpuTo === undefined || samples.length === 0
        ? undefined
        : ((cpuTo - cpuFrom) * 1000) / samples.length;
    return {
      path,
      concurrency,
      latency: summarize(samples),
      perSecond: samples.length / elapsed,
      serverCpuUs,
      errors,
    };
  } finally {
    await pool.close();
  }
}

function print(results: Run[], elapsedS: number, load: [number, number]): void {
  const cpu = cpus();
  const ms = (value: number) => value.toFixed(2);
  console.log(
    `\n## Admission latency — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${elapsedS.toFixed(0)} s, load average ${load[0].toFixed(1)} → ${load[1].toFixed(1)}\n`,
  );
  console.log(
    '| webhook | concurrent | p50 (ms) | p99 (ms) | mean (ms) | reviews/s | server CPU (µs/review) | errors | target |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const run of results) {
    const targeted = run.path === '/validate/residency' && run.concurrency === 100;
    const target = targeted
      ? `p99 ≤ ${TARGET_P99_MS_AT_100} ms: ${run.latency.p99 <= TARGET_P99_MS_AT_100 ? 'met' : '**not met**'}`
      : '—';
    console.log(
      `| ${run.path} | ${run.concurrency} | ${ms(run.latency.median)} | ${ms(run.latency.p99)} | ` +
        `${ms(run.latency.mean)} | ${Math.round(run.perSecond)} | ${run.serverCpuUs?.toFixed(0) ?? '—'} | ` +
        `${run.errors} | ${target} |`,
    );
  }
  console.log(
    `\nOne AdmissionReview of ${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB: a Pod of 10 containers × 20 env vars ` +
      '(LLM endpoints, cluster-internal URLs, plain settings) under an EU-only Enforce policy, admitted. ' +
      `${seconds} s per level after 1 s of warm-up; latency from request to the last byte of the answer, client side; ` +
      'server CPU from /proc/<pid>/stat (10 ms ticks) over the measured seconds, divided by the reviews answered.',
  );
}
