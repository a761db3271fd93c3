// What a sidecar allocates per governed call, by the function that allocates it: one mock, one
// sidecar (this build, or another's with `--bin`) started with the inspector, JSON calls at
// `--connections` for `--seconds` to warm it, then V8's sampling heap profile — objects the
// garbage collector already took counted too — over as long a load. Prints the sampled bytes per
// call, in total and for the `--top` allocating functions. Bytes that do not move with the machine's
// load, unlike CPU time: run it for the base and the change one after the other.
//
//   npm run build && node dist/bench/sidecar-allocations.js [--bin /tmp/base/bin/agent-governor.mjs]
//     [--seconds 6] [--connections 32] [--top 30] [--inspect-port 9329]
import { parseArgs } from 'node:util';
import { WebSocket } from 'undici';
import { forkEntry, startSidecarCli } from './sidecar-overhead/bench-processes.js';
import { CHAT_BODY, throughput } from './sidecar-overhead/load-generator.js';

const { values } = parseArgs({
  options: {
    bin: { type: 'string' },
    seconds: { type: 'string', default: '6' },
    connections: { type: 'string', default: '32' },
    top: { type: 'string', default: '30' },
    'inspect-port': { type: 'string', default: '9329' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const port = Number(values['inspect-port']);

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** One DevTools-protocol session over the inspector's WebSocket: `send` answers with the result. */
async function inspectorSession(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  let lastId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = ++lastId;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => waiting.set(id, resolve as (result: unknown) => void));
    },
    close: () => socket.close(),
  };
}

/** Sampled bytes by `function file:line`, summed over the profile's tree. */
function bytesByFunction(head: SamplingNode): Map<string, number> {
  const bytes = new Map<string, number>();
  const visit = (node: SamplingNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*\/(dist|node_modules)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(head);
  return bytes;
}

const mock = await forkEntry('./mock-upstream-process.js', []);
const sidecar = await startSidecarCli(mock.message.baseUrl!, {
  ...(values.bin ? { bin: values.bin } : {}),
  nodeFlags: [`--inspect=127.0.0.1:${port}`],
});
try {
  const path = { name: 'sidecar', origin: sidecar.url, path: '/v1/chat/completions', headers: {} };
  await throughput(path, { connections, seconds, body: CHAT_BODY });
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const session = await inspectorSession(targets[0]!.webSocketDebuggerUrl);
  await session.send('HeapProfiler.enable');
  await session.send('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const window = await throughput(path, { connections, seconds, body: CHAT_BODY });
  const { profile } = await session.send<{ profile: { head: SamplingNode } }>('HeapProfiler.stopSampling');
  session.close();
  const bytes = bytesByFunction(profile.head);
  const total = [...bytes.values()].reduce((sum, b) => sum + b, 0);
  console.log(
    `${values.bin ?? 'this build'}: ${window.calls} JSON calls at ${connections} connections, ` +
      `${Math.round(total / window.calls)} B sampled per call`,
  );
  const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  for (const [where, b] of top)
    console.log(`${String(Math.round(b / window.calls)).padStart(7)} B  ${where}`);
} finally {
  await sidecar.stop();
  await mock.stop();
}
