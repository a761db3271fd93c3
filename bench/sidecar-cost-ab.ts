// A change to the sidecar's hot path against a baseline build, side by side: this build's sidecar,
// the baseline's (`--baseline-bin <checkout>/bin/agent-governor.mjs`, built) and the bare hop, all
// against one mock upstream, their throughput windows at `--connections` interleaved round by round
// (JSON calls, then streamed calls), each window's CPU per call read from `/proc/<pid>/stat` of the
// process serving it. What is compared is CPU per call (the process's own, not wall clock) and the
// ratio of each sidecar's calls per second to the bare hop's in the same round — the two numbers
// that hold on a machine shared with other work. Prints one row per path and body, medians over
// the rounds.
//
//   npm run build && node dist/bench/sidecar-cost-ab.js --baseline-bin /tmp/base/bin/agent-governor.mjs
//     [--rounds 8] [--seconds 2] [--connections 32] [--no-stream] [--profile DIR]
//     [--node-flags="--log-deopt --logfile=/tmp/v8.log"]   (more Node or V8 flags for this build's sidecar)
//     [--perf FILE]   (Linux perf samples this build's sidecar during the rounds: `perf record -e
//                      cpu-clock -g`, its CPU time only; run with NODE_OPTIONS=--perf-basic-prof to
//                      name the JavaScript frames, then `perf report -i FILE`)
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type BenchProcess, forkEntry, startSidecarCli } from './sidecar-overhead/bench-processes.js';
import {
  type CallPath,
  CHAT_BODY,
  interleavedLatencies,
  STREAM_BODY,
  throughput,
} from './sidecar-overhead/load-generator.js';

const { values } = parseArgs({
  options: {
    'baseline-bin': { type: 'string' },
    rounds: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'no-stream': { type: 'boolean', default: false },
    profile: { type: 'string' },
    perf: { type: 'string' },
    'node-flags': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

/** User + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `perf record` of one process's CPU time (not wall clock: a preempted process takes no samples). */
function perfRecord(pid: number, file: string): ChildProcess {
  return spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-g', '-p', String(pid), '-o', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function stopPerf(perf: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    perf.once('exit', () => resolve());
    perf.kill('SIGINT');
  });
}

const running: BenchProcess[] = [];
try {
  const loadAtStart = loadavg()[0]!;
  const mock = await forkEntry('./mock-upstream-process.js', []);
  running.push(mock);
  const upstream = mock.message.baseUrl!;
  const targets: [string, BenchProcess][] = [];
  const baseline = values['baseline-bin'];
  if (baseline) targets.push(['baseline', await startSidecarCli(upstream, { bin: baseline })]);
  targets.push([
    'this build',
    await startSidecarCli(upstream, {
      ...(values.profile ? { profileDir: values.profile } : {}),
      ...(values['node-flags'] ? { nodeFlags: values['node-flags'].split(' ').filter(Boolean) } : {}),
    }),
  ]);
  targets.push(['bare', await forkEntry('./bare-proxy-process.js', [mock.url])]);
  for (const [, p] of targets) running.push(p);
  const paths = targets.map(([name, p]): [CallPath, number] => [
    { name, origin: p.url, path: '/v1/chat/completions', headers: {} },
    p.pid,
  ]);

  const bodies: [string, string][] = [['JSON', CHAT_BODY]];
  if (!values['no-stream']) bodies.push(['streamed', STREAM_BODY]);
  const rows: Record<string, string | number>[] = [];
  for (const [kind, body] of bodies) {
    console.error(`warming up (${kind})`);
    for (const [path] of paths) {
      await interleavedLatencies([path], { calls: 300, rounds: 1, body, measure: 'total' });
      await throughput(path, { connections, seconds: 1, body });
    }
    const perf = values.perf
      ? perfRecord(targets.find(([n]) => n === 'this build')![1].pid, `${values.perf}.${kind}`)
      : undefined;
    const perCall = new Map(paths.map(([p]) => [p.name, [] as number[]]));
    const rate = new Map(paths.map(([p]) => [p.name, [] as number[]]));
    const toBare = new Map(paths.map(([p]) => [p.name, [] as number[]]));
    for (let round = 0; round < rounds; round++) {
      // The order turns each round, so that none of the paths always follows the same one.
      const order = paths.map((_, i) => paths[(i + round) % paths.length]!);
      const rates = new Map<string, number>();
      for (const [path, pid] of order) {
        const before = cpuMs(pid);
        const w = await throughput(path, { connections, seconds, body });
        if (w.errors > 0) throw new Error(`${path.name}: ${w.errors} calls failed`);
        perCall.get(path.name)!.push(((cpuMs(pid) - before) / w.calls) * 1000);
        rate.get(path.name)!.push(w.perSecond);
        rates.set(path.name, w.perSecond);
      }
      for (const [path] of paths) toBare.get(path.name)!.push(rates.get(path.name)! / rates.get('bare')!);
      console.error(
        `${kind} round ${round + 1}: ${[...rates].map(([n, r]) => `${n} ${Math.round(r)}/s`).join(', ')}` +
          ` (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
    if (perf) await stopPerf(perf);
    for (const [path] of paths) {
      rows.push({
        path: path.name,
        calls: kind,
        'CPU/call, median (µs)': Math.round(median(perCall.get(path.name)!)),
        'CPU/call, min–max (µs)': `${Math.round(Math.min(...perCall.get(path.name)!))}–${Math.round(Math.max(...perCall.get(path.name)!))}`,
        'calls/s, median': Math.round(median(rate.get(path.name)!)),
        '/ bare, median': Number(median(toBare.get(path.name)!).toFixed(3)),
      });
    }
  }
  console.table(rows);
  console.log(`load average ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; ${process.version}`);
} finally {
  await Promise.all(running.reverse().map((child) => child.stop()));
}
