// How many usage batches each usage store records per second, the store layer alone: `senders`
// instances (one agent each, spread over `agents` agents), one batch in flight each as a sidecar
// sends, through the one group committer (sidecar-services/ledger-committer.ts) over
//   - the API server: AgentUsageLedger objects on a control plane of its own (etcd included);
//   - Redis: Debian's redis-server on loopback, append-only file fsynced every second.
// HTTP, TLS and TokenReview are left out (the operator benchmark measures them, for the API server);
// both stores get the same batches and the same committer, so the ratio is the stores'.
//
//   npm run build && node dist/bench/usage-store-ingest.js [-- --senders 50 --agents 50 --seconds 10]
import { parseArgs } from 'node:util';
import { apiServerLedgers, type LedgerDocuments } from '../agents/ledger-documents.js';
import { batch, entry } from '../apis/ledger/testdata/batches.js';
import { ApiTransport } from '../runtime/kube/api-transport.js';
import { createKubeClient } from '../runtime/kube/kube-client.js';
import { resolveConnection } from '../runtime/kube/kube-connection.js';
import { namespaces } from '../runtime/kube/resources.js';
import { LedgerCommitter } from '../sidecar-services/ledger-committer.js';
import { redisConnection } from '../sidecar-services/usage-store/redis-connection.js';
import { redisUsageStore } from '../sidecar-services/usage-store/redis-usage-store.js';
import { installCrds } from '../testing/install-crds.js';
import { RedisServer } from '../testing/redis-server.js';
import { testCluster } from '../testing/test-cluster.js';
import { summarize } from './sidecar-overhead/latency-summary.js';

const { values } = parseArgs({
  options: {
    senders: { type: 'string', default: '50' },
    agents: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
  },
});
const senders = Number(values.senders);
const agents = Number(values.agents);
const seconds = Number(values.seconds);
const NAMESPACE = 'ingest-bench';

async function load(ledgers: LedgerDocuments) {
  const committer = new LedgerCommitter({ ledgers });
  const latencies: number[] = [];
  let batches = 0;
  const deadline = performance.now() + seconds * 1000;
  const sender = async (i: number) => {
    const agent = `agent-${i % agents}`;
    for (let sequence = 1; performance.now() < deadline; ) {
      const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
      const b = {
        ...batch(sequence, [entry(minute, 10)], { instance: `pod-${i}`, agent }),
        agent: { namespace: NAMESPACE, name: agent },
      };
      const began = performance.now();
      const outcome = await committer.record(b);
      if (!outcome.ok) continue; // sent again with the same sequence, as a sidecar would
      latencies.push(performance.now() - began);
      batches++;
      sequence++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: senders }, (_, i) => sender(i)));
  const elapsed = (performance.now() - started) / 1000;
  const ack = summarize(latencies);
  return `${(batches / elapsed).toFixed(0)} batches/s (${batches} in ${elapsed.toFixed(1)} s), record p50 ${ack.median.toFixed(0)} ms, p99 ${ack.p99.toFixed(0)} ms`;
}

const redis = await RedisServer.start({ appendfsync: 'everysec' });
const store = redisUsageStore(redisConnection({ url: redis.url }));
await store.ready();
const inRedis = await load(store.ledgers);
await store.close();
await redis.close();

const cluster = await testCluster();
await installCrds(cluster);
const client = createKubeClient(
  new ApiTransport(await resolveConnection({ kubeconfig: cluster.kubeconfig })),
);
await client
  .create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } })
  .catch(() => {});
const inApiServer = await load(apiServerLedgers(client));

console.log(
  `usage store ingest, ${senders} senders × 1 batch in flight, ${agents} agents, ${seconds} s each:`,
);
console.log(`  redis (redis-server, AOF everysec): ${inRedis}`);
console.log(`  apiserver (kube-apiserver + etcd):  ${inApiServer}`);
process.exit(0);
