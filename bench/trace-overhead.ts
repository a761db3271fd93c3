// What tracing costs the sidecar: calls per second and sequential latency through sidecar
// processes side by side — this build with tracing off, this build with tracing on (spans to the
// OpenTelemetry Collector's OTLP receiver on loopback), and optionally another build as a baseline
// (`--baseline-bin <checkout>/bin/agent-governor.mjs`) — against one mock upstream, the paths'
// windows interleaved so that the machine's drift hits each alike. The calls carry no traceparent
// (the bench policy limits calls per trace), so each span starts a trace of its own; made and
// exported alike. Checks at the end that the spans reached the receiver.
//
//   npm run build && node dist/bench/trace-overhead.js [--seconds 10 --connections 32 --calls 2000 --baseline-bin PATH]
import { parseArgs } from 'node:util';
import { type OtelCollector, startOtelCollector } from '../testing/otel-collector.js';
import { type BenchProcess, forkEntry, startSidecarCli } from './sidecar-overhead/bench-processes.js';
import { summarize } from './sidecar-overhead/latency-summary.js';
import {
  type CallPath,
  CHAT_BODY,
  interleavedLatencies,
  interleavedThroughput,
} from './sidecar-overhead/load-generator.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    calls: { type: 'string', default: '2000' },
    'baseline-bin': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const calls = Number(values.calls);

const running: BenchProcess[] = [];
let collector: OtelCollector | undefined;
try {
  const mock = await forkEntry('./mock-upstream-process.js', []);
  running.push(mock);
  collector = await startOtelCollector();
  const upstream = mock.message.baseUrl as string;
  const sidecars: [string, BenchProcess][] = [];
  const baseline = values['baseline-bin'];
  if (baseline) sidecars.push(['baseline', await startSidecarCli(upstream, { bin: baseline })]);
  sidecars.push(['off', await startSidecarCli(upstream)]);
  sidecars.push(['on', await startSidecarCli(upstream, { extraArgs: ['--otlp-endpoint', collector.url] })]);
  for (const [, p] of sidecars) running.push(p);
  const paths: CallPath[] = sidecars.map(([name, p]) => ({
    name,
    origin: p.url,
    path: '/v1/chat/completions',
    headers: {},
  }));

  console.error('warming up');
  await interleavedLatencies(paths, { calls: 500, rounds: 2, body: CHAT_BODY, measure: 'total' });
  console.error(`sequential: ${calls} calls per path`);
  const sequential = await interleavedLatencies(paths, {
    calls,
    rounds: 10,
    body: CHAT_BODY,
    measure: 'total',
  });
  console.error(`throughput: ${connections} connections, ${seconds} s per path in 5 windows`);
  const load = await interleavedThroughput(paths, { connections, seconds, rounds: 5, body: CHAT_BODY });
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const spans = collector.spans().length;

  console.log('| sidecar | calls/s (32 callers) | errors | sequential median ms | p99 ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const path of paths) {
    const t = load.get(path.name);
    const s = summarize(sequential.get(path.name) ?? []);
    console.log(
      `| ${path.name} | ${t?.perSecond.toFixed(0)} | ${t?.errors} | ${s.median.toFixed(3)} | ${s.p99.toFixed(3)} |`,
    );
  }
  console.log(`\nspans received by the collector: ${spans}`);
  if (spans === 0) process.exitCode = 1;
} finally {
  for (const p of running.reverse()) await p.stop();
  await collector?.close();
}
