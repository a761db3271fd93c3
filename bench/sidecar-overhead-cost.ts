// What one call costs the sidecar itself, measured in the sidecar's own process (not wall clock,
// which moves with whatever else the shared machine runs): CPU time per sequential call, CPU per
// call at 32 connections, and its resident memory — idle after start, peak under JSON and under
// streamed load at 32 connections, and idle again after the load — the numbers the injected
// sidecar's memory request and limit are set from (docs/sidecar.md, "Resources"). For judging a
// change to the hot path; `sidecar-overhead.ts` gives the latency table.
//
//   node dist/bench/sidecar-overhead-cost.js [--calls 4000] [--seconds 5] [--connections 32] [--idle-seconds 5]
//     [--operator]   (the sidecar as injected: policy by long-poll from, and usage sent to, an in-memory
//                     operator peer — testing/governor-services-peer.ts — instead of a config file)
//     [--profile DIR]   (the sidecar runs with --cpu-prof; its .cpuprofile lands in DIR when it stops)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startGovernorServicesPeer } from '../testing/governor-services-peer.js';
import {
  type BenchProcess,
  benchEffectivePolicy,
  forkEntry,
  startSidecarCli,
  watchResidentMemory,
} from './sidecar-overhead/bench-processes.js';
import {
  type CallPath,
  CHAT_BODY,
  interleavedLatencies,
  STREAM_BODY,
  throughput,
} from './sidecar-overhead/load-generator.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '4000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    'idle-seconds': { type: 'string', default: '5' },
    operator: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const calls = Number(values.calls);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const idleMs = Number(values['idle-seconds']) * 1000;

/** Peak RSS of `pid` over `ms` of doing nothing (MB). */
async function idlePeak(pid: number, ms: number): Promise<number> {
  const peak = watchResidentMemory(pid);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return peak();
}

/** User + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const running: BenchProcess[] = [];
try {
  const load = loadavg()[0]!;
  const mock = await forkEntry('./mock-upstream-process.js', []);
  running.push(mock);
  const peer = values.operator ? await startGovernorServicesPeer() : undefined;
  if (peer) {
    peer.setPolicy(benchEffectivePolicy(mock.message.baseUrl!));
    running.push({ pid: process.pid, url: peer.url, stop: () => peer.close() });
  }
  const sidecar = await startSidecarCli(mock.message.baseUrl!, {
    ...(values.profile ? { profileDir: values.profile } : {}),
    ...(peer ? { operatorUrl: peer.url } : {}),
  });
  running.push(sidecar);
  const idleAtStart = await idlePeak(sidecar.pid, idleMs);
  const path: CallPath = { name: 'sidecar', origin: sidecar.url, path: '/v1/chat/completions', headers: {} };

  await interleavedLatencies([path], { calls: 1_500, rounds: 1, body: CHAT_BODY, measure: 'total' });
  let before = cpuMs(sidecar.pid);
  await interleavedLatencies([path], { calls, rounds: 1, body: CHAT_BODY, measure: 'total' });
  const sequentialUs = ((cpuMs(sidecar.pid) - before) / calls) * 1000;

  await interleavedLatencies([path], { calls: 300, rounds: 1, body: STREAM_BODY, measure: 'firstByte' });
  before = cpuMs(sidecar.pid);
  await interleavedLatencies([path], { calls, rounds: 1, body: STREAM_BODY, measure: 'firstByte' });
  const streamUs = ((cpuMs(sidecar.pid) - before) / calls) * 1000;

  const peak = watchResidentMemory(sidecar.pid);
  before = cpuMs(sidecar.pid);
  const loaded = await throughput(path, { connections, seconds, body: CHAT_BODY });
  const loadedUs = ((cpuMs(sidecar.pid) - before) / loaded.calls) * 1000;
  const rss = peak();
  const streamedPeak = watchResidentMemory(sidecar.pid);
  const streamed = await throughput(path, { connections, seconds, body: STREAM_BODY });
  const streamedRss = streamedPeak();
  const idleAfterLoad = await idlePeak(sidecar.pid, idleMs);

  const row = {
    'CPU/sequential call (µs)': Math.round(sequentialUs),
    'CPU/streamed call (µs)': Math.round(streamUs),
    [`CPU/call at ${connections} conns (µs)`]: Math.round(loadedUs),
    'calls/s': Math.round(loaded.perSecond),
    'streamed calls/s': Math.round(streamed.perSecond),
    'idle RSS at start (MB)': Number(idleAtStart.toFixed(1)),
    [`peak RSS, JSON at ${connections} conns (MB)`]: Number(rss.toFixed(1)),
    [`peak RSS, streamed at ${connections} conns (MB)`]: Number(streamedRss.toFixed(1)),
    'idle RSS after load (MB)': Number(idleAfterLoad.toFixed(1)),
    node: process.version,
    mode: peer ? 'operator (as injected)' : 'config file',
    'load avg': `${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
} finally {
  await Promise.all(running.reverse().map((child) => child.stop()));
}
