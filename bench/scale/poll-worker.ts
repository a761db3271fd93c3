// A poll worker (a node:worker_threads thread started by poll-workers.ts): it holds the policy
// long-polls of its share of the simulated sidecars — the same loop (policy-poll.ts) over the same
// connections as the main thread would (a SidecarLink per replica: one keep-alive undici Client per
// sidecar, the TLS context built once from the CA, the bearer token, 120-s timeouts) — and posts each
// policy's summary and each failure to the main thread in batches (poll-answers.ts). A 304 is not
// posted: nothing changes for the sidecar. On `close` it destroys its connections, which ends every
// held poll, and exits once its loops have ended.
import { parentPort, workerData } from 'node:worker_threads';
import { firstPolicy, followPolicy, type ReadPolicy, type WatchPolicy } from './policy-poll.js';
import {
  Batch,
  type FromPollWorker,
  type PolledAnswer,
  type PollWorkerData,
  summarizePolicy,
  type ToPollWorker,
} from './poll-answers.js';
import { SidecarLink } from './sidecar-link.js';

const port = parentPort;
if (!port) throw new Error('poll-worker.js runs as a worker thread (bench/scale/poll-workers.ts starts it)');
const data = workerData as PollWorkerData;
// Only the long-poll connections are used: the links' usage and lease pools open no connection.
const links = data.urls.map((url) => new SidecarLink(url, data.ca, data.token, { usageConnections: 1 }));
const loops = new Set<Promise<void>>();
let closing = false;

const batch = new Batch<PolledAnswer>(
  (flush) => setTimeout(flush, data.flushMs),
  (answers) => port.postMessage({ answers } satisfies FromPollWorker),
);
/** The read's end on the absolute clock the main thread converts from. */
const now = () => performance.timeOrigin + performance.now();

async function follow(message: Extract<ToPollWorker, { type: 'follow' }>): Promise<void> {
  const link = links[message.replica];
  if (!link) throw new Error(`follow: replica ${message.replica} is not one of the ${links.length} replicas`);
  const connection = link.pollConnection();
  const read: ReadPolicy = (after) => link.policy(connection, message.namespace, message.agent, after);
  const watch: WatchPolicy = (after, onPolicy) =>
    link.watch(connection, message.namespace, message.agent, after, onPolicy);
  const stopped = () => closing;
  const first = await firstPolicy(read, stopped);
  if (!first) return;
  batch.add({ index: message.index, status: 200, at: now(), policy: summarizePolicy(first) });
  await followPolicy(
    read,
    first.version,
    {
      policy: (policy) =>
        batch.add({ index: message.index, status: 200, at: now(), policy: summarizePolicy(policy) }),
      failure: (status) => batch.add({ index: message.index, status, at: now() }),
    },
    stopped,
    data.watch ? watch : undefined,
  );
}

port.on('message', (message: ToPollWorker) => {
  if (message.type === 'follow') {
    const loop = follow(message);
    loops.add(loop);
    void loop.finally(() => loops.delete(loop));
    return;
  }
  closing = true;
  void (async () => {
    await Promise.allSettled(links.map((link) => link.close()));
    await Promise.allSettled([...loops]);
    batch.flush();
    port.close(); // nothing else keeps the thread: it exits
  })();
});
