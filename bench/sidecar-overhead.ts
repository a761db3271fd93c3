// What the sidecar adds to a call, side by side with a direct call and with a peer gateway
// (@portkey-ai/gateway), all against one local mock upstream in one run:
//   - added latency per sequential call (median, p99), the paths interleaved round by round;
//   - throughput with 32 callers, each keeping one call in flight;
//   - the sidecar's resident memory under that load;
//   - added time to the first byte of a streamed answer.
// Each party runs in a process of its own; the load generator is this process.
//
//   npm run bench:sidecar [-- --calls 3000 --seconds 5 --connections 32]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { freePorts } from '../local-cluster/free-port.js';
import {
  type BenchProcess,
  forkEntry,
  startPortkey,
  startSidecarCli,
  watchResidentMemory,
} from './sidecar-overhead/bench-processes.js';
import { type LatencySummary, summarize } from './sidecar-overhead/latency-summary.js';
import {
  type CallPath,
  CHAT_BODY,
  interleavedLatencies,
  STREAM_BODY,
  throughput,
} from './sidecar-overhead/load-generator.js';

const TARGETS = { addedMedianMs: 0.15, throughputVsPortkey: 8, rssMb: 60, addedFirstByteMs: 0.2 };

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
  },
});
const calls = positive('calls', values.calls);
const seconds = positive('seconds', values.seconds);
const connections = positive('connections', values.connections);

const running: BenchProcess[] = [];
try {
  const started = performance.now();
  const loadAtStart = loadavg()[0]!;
  const mock = await forkEntry('./mock-upstream-process.js', []);
  running.push(mock);
  const sidecar = await startSidecarCli(mock.message.baseUrl!);
  running.push(sidecar);
  const bare = await forkEntry('./bare-proxy-process.js', [mock.url]);
  running.push(bare);
  const [portkeyPort] = await freePorts(1);
  const portkey = await startPortkey(portkeyPort!);
  running.push(portkey);

  const chat = '/v1/chat/completions';
  const direct: CallPath = {
    name: 'direct',
    origin: mock.url,
    path: chat,
    headers: { authorization: 'Bearer sk-bench' },
  };
  const floor: CallPath = { name: 'bare', origin: bare.url, path: chat, headers: {} };
  const governed: CallPath = { name: 'sidecar', origin: sidecar.url, path: chat, headers: {} };
  const peer: CallPath = {
    name: 'portkey',
    origin: portkey.url,
    path: chat,
    headers: {
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': mock.message.baseUrl!,
    },
  };
  const paths = [direct, floor, governed, peer];
  const portkeyStreams = await streamsWork(peer);

  log('warming up');
  await interleavedLatencies(paths, {
    calls: Math.min(calls, 1_500),
    rounds: 3,
    body: CHAT_BODY,
    measure: 'total',
  });

  log(`sequential calls: ${calls} per path`);
  const sequential = await interleavedLatencies(paths, {
    calls,
    rounds: 10,
    body: CHAT_BODY,
    measure: 'total',
  });
  const latency = new Map([...sequential].map(([name, samples]) => [name, summarize(samples)]));

  log(`throughput: ${connections} connections, ${seconds} s per path`);
  const rates = new Map<string, number>();
  const rss = new Map<string, number>();
  for (const path of paths) {
    const watched = path === governed ? sidecar : path === peer ? portkey : path === floor ? bare : mock;
    const peak = watchResidentMemory(watched.pid);
    const result = await throughput(path, { connections, seconds, body: CHAT_BODY });
    rss.set(path.name, peak());
    if (result.errors > 0) log(`${path.name}: ${result.errors} failed calls during the throughput run`);
    rates.set(path.name, result.perSecond);
  }

  const streamPaths = portkeyStreams ? paths : [direct, floor, governed];
  const streamCalls = Math.max(100, Math.round(calls / 3));
  log(`streams: ${streamCalls} per path`);
  await interleavedLatencies(streamPaths, { calls: 300, rounds: 1, body: STREAM_BODY, measure: 'firstByte' });
  const firstByte = new Map(
    [
      ...(await interleavedLatencies(streamPaths, {
        calls: streamCalls,
        rounds: 5,
        body: STREAM_BODY,
        measure: 'firstByte',
      })),
    ].map(([name, samples]) => [name, summarize(samples)]),
  );

  printReport({
    latency,
    rates,
    rss,
    firstByte,
    portkeyStreams,
    elapsedS: (performance.now() - started) / 1000,
    load: [loadAtStart, loadavg()[0]!],
  });
} finally {
  await Promise.all(running.reverse().map((child) => child.stop()));
}

interface Report {
  latency: Map<string, LatencySummary>;
  rates: Map<string, number>;
  rss: Map<string, number>;
  firstByte: Map<string, LatencySummary>;
  portkeyStreams: boolean;
  elapsedS: number;
  /** 1-minute load average at the start and at the end. */
  load: [number, number];
}

function printReport(report: Report): void {
  const { latency, rates, rss, firstByte } = report;
  const ms = (value: number) => value.toFixed(3);
  const verdict = (ok: boolean) => (ok ? 'yes' : '**no**');
  const of = <T>(map: Map<string, T>, name: string) => map.get(name)!;
  /** A latency cell: the value, and what it adds to the direct call. */
  const cell = (map: Map<string, LatencySummary>, name: string, pick: (s: LatencySummary) => number) =>
    map.has(name)
      ? `${ms(pick(of(map, name)))} (+${ms(pick(of(map, name)) - pick(of(map, 'direct')))})`
      : 'fails¹';
  const added = (map: Map<string, LatencySummary>, pick: (s: LatencySummary) => number) =>
    pick(of(map, 'sidecar')) - pick(of(map, 'direct'));
  const median = (s: LatencySummary) => s.median;
  const p99 = (s: LatencySummary) => s.p99;
  const addedMedian = added(latency, median);
  const ratio = of(rates, 'sidecar') / of(rates, 'portkey');
  const addedFirstByte = added(firstByte, median);
  const rate = (name: string) => String(Math.round(of(rates, name)));
  const mb = (name: string) => of(rss, name).toFixed(1);
  const rows = [
    '| measure | direct | bare Node proxy³ | sidecar | Portkey | sidecar added | target | met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    `| sequential call, median (ms) | ${ms(of(latency, 'direct').median)} | ${cell(latency, 'bare', median)} | ` +
      `${cell(latency, 'sidecar', median)} | ${cell(latency, 'portkey', median)} | ${ms(addedMedian)} | ` +
      `≤ ${TARGETS.addedMedianMs} | ${verdict(addedMedian <= TARGETS.addedMedianMs)} |`,
    `| sequential call, p99 (ms) | ${ms(of(latency, 'direct').p99)} | ${cell(latency, 'bare', p99)} | ` +
      `${cell(latency, 'sidecar', p99)} | ${cell(latency, 'portkey', p99)} | ${ms(added(latency, p99))} | — | — |`,
    `| throughput, ${connections} connections (calls/s) | ${rate('direct')} | ${rate('bare')} | ${rate('sidecar')} | ` +
      `${rate('portkey')} | ${ratio.toFixed(1)}× Portkey | ≥ ${TARGETS.throughputVsPortkey}× | ` +
      `${verdict(ratio >= TARGETS.throughputVsPortkey)} |`,
    `| RSS under load (MB) | ${mb('direct')}² | ${mb('bare')} | ${mb('sidecar')} | ${mb('portkey')} | — | ` +
      `≤ ${TARGETS.rssMb} | ${verdict(of(rss, 'sidecar') <= TARGETS.rssMb)} |`,
    `| stream, first byte median (ms) | ${ms(of(firstByte, 'direct').median)} | ${cell(firstByte, 'bare', median)} | ` +
      `${cell(firstByte, 'sidecar', median)} | ${cell(firstByte, 'portkey', median)} | ${ms(addedFirstByte)} | ` +
      `≤ ${TARGETS.addedFirstByteMs} | ${verdict(addedFirstByte <= TARGETS.addedFirstByteMs)} |`,
  ];
  const cpu = cpus();
  console.log(
    `\n## Sidecar overhead — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${report.elapsedS.toFixed(0)} s, load average ${report.load[0].toFixed(1)} → ${report.load[1].toFixed(1)}\n`,
  );
  console.log(rows.join('\n'));
  console.log(
    `\n${calls} sequential calls per path (interleaved in 10 rounds, after a warm-up), ${seconds} s of load per ` +
      'path. The sidecar runs a budget, a reasoning budget, a residency rule, metrics, usage recording and one log ' +
      'line per call, no cache. (+x) is what a path adds to the direct call.\n' +
      '² the mock upstream, for scale.\n' +
      '³ node:http in, undici Pool out, no governance: the floor of any Node proxy on this machine.',
  );
  if (!report.portkeyStreams) {
    console.log(
      '¹ Portkey answers streamed calls with 500 "Something went wrong" (TypeError: immutable in ' +
        'ResponseService.updateHeaders) with the @hono/node-server installed here; upstream issues ' +
        'Portkey-AI/gateway#1389 and #1550.',
    );
  }
}

/** Whether a path answers a streamed call (Portkey may not: see the report's note). */
async function streamsWork(path: CallPath): Promise<boolean> {
  try {
    await interleavedLatencies([path], { calls: 1, rounds: 1, body: STREAM_BODY, measure: 'firstByte' });
    return true;
  } catch {
    return false;
  }
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
