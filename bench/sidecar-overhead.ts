// What the sidecar (and every other governed target of GOVERNED_TARGETS) adds to a call, side by
// side with a direct call, a bare Node hop and two peer gateways (@portkey-ai/gateway, and LiteLLM's
// proxy from PyPI with one worker), all against one local mock upstream in one run:
//   - added latency per sequential call (median, p99), the paths interleaved round by round;
//   - throughput with 32 callers, each keeping one call in flight (the paths' windows interleaved);
//   - each proxy's resident memory under that load;
//   - added time to the first byte of a streamed answer;
//   - the ratios each governed target is held to (throughput against Portkey, LiteLLM and the bare
//     hop; added median latency against Portkey's).
// Each party runs in a process of its own; the load generator is this process.
//
//   npm run bench:sidecar [-- --calls 3000 --seconds 5 --connections 32 --no-litellm --no-gateway --profile DIR]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { freePorts } from '../local-cluster/free-port.js';
import {
  type BenchProcess,
  forkEntry,
  startPortkey,
  watchResidentMemory,
} from './sidecar-overhead/bench-processes.js';
import { GOVERNED_TARGETS as ALL_GOVERNED_TARGETS } from './sidecar-overhead/governed-targets.js';
import { summarize } from './sidecar-overhead/latency-summary.js';
import {
  ensureLiteLlm,
  LITELLM_MASTER_KEY,
  LITELLM_VERSION,
  startLiteLlm,
} from './sidecar-overhead/litellm-proxy.js';
import {
  type CallPath,
  CHAT_BODY,
  interleavedLatencies,
  interleavedThroughput,
  STREAM_BODY,
} from './sidecar-overhead/load-generator.js';
import { overheadTables } from './sidecar-overhead/overhead-report.js';

/** LiteLLM takes tens of milliseconds a call: it makes this share of the sequential calls. */
const LITELLM_SHARE = 0.1;
/** Windows of the throughput measure, each path's interleaved with the others'. */
const THROUGHPUT_ROUNDS = 5;

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    'no-litellm': { type: 'boolean', default: false },
    'no-gateway': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const calls = positive('calls', values.calls);
const seconds = positive('seconds', values.seconds);
const connections = positive('connections', values.connections);

/** The governed targets measured: without the gateway, no control plane is needed. */
const GOVERNED_TARGETS = values['no-gateway']
  ? ALL_GOVERNED_TARGETS.filter((target) => target.name !== 'gateway')
  : ALL_GOVERNED_TARGETS;

const running: BenchProcess[] = [];
const missing = new Map<string, string>();
try {
  const started = performance.now();
  const uptimeAtStart = uptime();
  const loadAtStart = loadavg()[0]!;
  const mock = await forkEntry('./mock-upstream-process.js', []);
  running.push(mock);
  const governedProcesses: (BenchProcess & { headers?: Record<string, string> })[] = [];
  for (const target of GOVERNED_TARGETS) {
    const child = await target.start(
      mock.message.baseUrl!,
      values.profile ? { profileDir: values.profile } : {},
    );
    running.push(child);
    governedProcesses.push(child);
  }
  const bare = await forkEntry('./bare-proxy-process.js', [mock.url]);
  running.push(bare);
  const [portkeyPort, liteLlmPort] = await freePorts(2);
  const portkey = await startPortkey(portkeyPort!);
  running.push(portkey);
  const liteLlm = values['no-litellm']
    ? undefined
    : await liteLlmProcess(mock.message.baseUrl!, liteLlmPort!);
  if (liteLlm) running.push(liteLlm);
  else missing.set('litellm', missing.get('litellm') ?? 'left out with --no-litellm');

  const chat = '/v1/chat/completions';
  const direct: CallPath = {
    name: 'direct',
    origin: mock.url,
    path: chat,
    headers: { authorization: 'Bearer sk-bench' },
  };
  const floor: CallPath = { name: 'bare', origin: bare.url, path: chat, headers: {} };
  const governed: CallPath[] = GOVERNED_TARGETS.map((target, i) => ({
    name: target.name,
    origin: governedProcesses[i]!.url,
    path: chat,
    headers: governedProcesses[i]!.headers ?? {},
  }));
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
  const python: CallPath | undefined = liteLlm && {
    name: 'litellm',
    origin: liteLlm.url,
    path: chat,
    headers: { authorization: `Bearer ${LITELLM_MASTER_KEY}` },
    share: LITELLM_SHARE,
  };
  const paths = [direct, floor, ...governed, peer, ...(python ? [python] : [])];
  const processes = new Map<string, BenchProcess>([
    ['direct', mock],
    ['bare', bare],
    ...GOVERNED_TARGETS.map((target, i) => [target.name, governedProcesses[i]!] as const),
    ['portkey', portkey],
    ...(liteLlm ? [['litellm', liteLlm] as const] : []),
  ]);
  const portkeyStreams = await streamsWork(peer);
  if (!portkeyStreams) missing.set('portkey-streams', 'Portkey fails streamed calls');

  log('warming up');
  await interleavedLatencies(paths, {
    calls: Math.min(calls, 1_500),
    rounds: 3,
    body: CHAT_BODY,
    measure: 'total',
  });

  log(
    `sequential calls: ${calls} per path${python ? ` (LiteLLM ${Math.round(calls * LITELLM_SHARE)})` : ''}`,
  );
  const sequential = await interleavedLatencies(paths, {
    calls,
    rounds: 10,
    body: CHAT_BODY,
    measure: 'total',
  });
  const latency = new Map([...sequential].map(([name, samples]) => [name, summarize(samples)]));

  log(
    `throughput: ${connections} connections, ${seconds} s per path in ${THROUGHPUT_ROUNDS} interleaved windows`,
  );
  const rss = new Map<string, number>();
  let peak: (() => number) | undefined;
  const measured = await interleavedThroughput(paths, {
    connections,
    seconds,
    rounds: THROUGHPUT_ROUNDS,
    body: CHAT_BODY,
    onWindow(path, moment) {
      if (moment === 'start') peak = watchResidentMemory(processes.get(path.name)!.pid);
      else if (peak) rss.set(path.name, Math.max(rss.get(path.name) ?? 0, peak()));
    },
    onRate(path, round, perSecond) {
      log(
        `throughput window ${round + 1}/${THROUGHPUT_ROUNDS}: ${path.name} ${Math.round(perSecond)}/s (load average ${loadavg()[0]!.toFixed(1)})`,
      );
    },
  });
  const rates = new Map<string, number>();
  for (const [name, result] of measured) {
    if (result.errors > 0) log(`${name}: ${result.errors} failed calls during the throughput run`);
    rates.set(name, result.perSecond);
  }

  const streamPaths = paths.filter((p) => p !== peer || portkeyStreams);
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

  const cpu = cpus();
  const elapsedS = (performance.now() - started) / 1000;
  console.log(
    `\n## Sidecar overhead — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${elapsedS.toFixed(0)} s, load average ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}\n`,
  );
  console.log(`uptime before: ${uptimeAtStart}\nuptime after:  ${uptime()}\n`);
  console.log(
    overheadTables({ latency, rates, rss, firstByte, missing }, connections, GOVERNED_TARGETS).join('\n'),
  );
  console.log(
    `\n${calls} sequential calls per path (interleaved in 10 rounds, after a warm-up), ${seconds} s of load per ` +
      `path in ${THROUGHPUT_ROUNDS} interleaved windows. Each governed target (${GOVERNED_TARGETS.map((t) => t.name).join(', ')}) runs a budget, a reasoning budget, a ` +
      'residency rule, metrics, usage recording and one log line per call, no cache. (+x) is what a path adds to the direct call.\n' +
      '² the mock upstream, for scale.\n' +
      '³ node:http in, undici Pool out, no governance: the floor of any Node proxy on this machine.\n' +
      (missing.has('litellm')
        ? `⁴ LiteLLM ${LITELLM_VERSION}: not measured (see below).`
        : `⁴ LiteLLM ${LITELLM_VERSION} (\`litellm[proxy]\` from PyPI, one worker, ` +
          `${Math.round(calls * LITELLM_SHARE)} sequential calls).`),
  );
  if (!portkeyStreams) {
    console.log(
      '¹ Portkey answers streamed calls with 500 "Something went wrong" (TypeError: immutable in ' +
        'ResponseService.updateHeaders) with the @hono/node-server installed here; upstream issues ' +
        'Portkey-AI/gateway#1389 and #1550.',
    );
  }
  const why = missing.get('litellm');
  if (why) console.log(`\nLiteLLM's column is missing: ${why}`);
} finally {
  await Promise.all(running.reverse().map((child) => child.stop()));
}

/** LiteLLM installed (once) and started, or undefined with the reason noted in `missing`. */
async function liteLlmProcess(upstreamBaseUrl: string, port: number): Promise<BenchProcess | undefined> {
  const install = await ensureLiteLlm(log);
  if (!install.ok) {
    missing.set('litellm', install.reason);
    log(`LiteLLM left out: ${install.reason}`);
    return undefined;
  }
  try {
    return await startLiteLlm(install.bin, upstreamBaseUrl, port);
  } catch (err) {
    missing.set('litellm', (err as Error).message.split('\n')[0]!);
    log((err as Error).message);
    return undefined;
  }
}

/** `uptime`'s line (time, users, load averages), for the report. */
function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`;
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
