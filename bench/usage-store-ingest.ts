// How many usage batches each usage store records per second, the store layer alone: `senders`
// instances (one agent each, spread over `agents` agents), one batch in flight each as a sidecar
// sends, through the one group committer (sidecar-services/ledger-committer.ts) over
//   - the API server: AgentUsageLedger objects on a control plane of its own (etcd included);
//   - Redis: Debian's redis-server on loopback, append-only file fsynced every second.
// HTTP, TLS and TokenReview are left out (the operator benchmark measures them, for the API server);
// both stores get the same batches and the same committer, so the ratio is the stores'. `--stores
// redis` measures Redis alone; `--replicas 2` records through two committers (two services
// replicas), each sender's batches to them in turn. Printed beside batches/s: this process's CPU per
// batch and, for Redis, redis-server's (INFO CPU before and after). `--idle-instances N` gives each
// agent N more instances whose sequences the store already keeps (ADR 0071), recorded seconds ago:
// a batch must cost the same beside them.
//
//   npm run build && node dist/bench/usage-store-ingest.js [-- --senders 50 --agents 50 --seconds 10]
//   node dist/bench/usage-store-ingest.js --stores redis --replicas 2 --senders 3000 --agents 3 --seconds 8
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { apiServerLedgers, type LedgerDocuments } from '../agents/ledger-documents.js';
import { batch, entry } from '../apis/ledger/testdata/batches.js';
import { ApiTransport } from '../runtime/kube/api-transport.js';
import { createKubeClient } from '../runtime/kube/kube-client.js';
import { resolveConnection } from '../runtime/kube/kube-connection.js';
import { namespaces } from '../runtime/kube/resources.js';
import { LedgerCommitter } from '../sidecar-services/ledger-committer.js';
import { redisConnection } from '../sidecar-services/usage-store/redis-connection.js';
import { instanceSequenceKeys } from '../sidecar-services/usage-store/redis-instance-sequences.js';
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
    stores: { type: 'string', default: 'redis,apiserver' },
    replicas: { type: 'string', default: '1' },
    'idle-instances': { type: 'string', default: '0' },
  },
});
const stores = new Set(values.stores.split(','));
const replicas = Number(values.replicas);
const idleInstances = Number(values['idle-instances']);
const senders = Number(values.senders);
const agents = Number(values.agents);
const seconds = Number(values.seconds);
const NAMESPACE = 'ingest-bench';

async function load(ledgers: LedgerDocuments, storeCpuSeconds: () => Promise<number> = async () => 0) {
  const committers = Array.from({ length: replicas }, () => new LedgerCommitter({ ledgers }));
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
      const outcome = await committers[(sequence + i) % replicas]!.record(b);
      if (!outcome.ok) continue; // sent again with the same sequence, as a sidecar would
      latencies.push(performance.now() - began);
      batches++;
      sequence++;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const storeCpu = await storeCpuSeconds();
  await Promise.all(Array.from({ length: senders }, (_, i) => sender(i)));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const storeUsed = (await storeCpuSeconds()) - storeCpu;
  const ack = summarize(latencies);
  const perBatchMs = (seconds: number) => ((seconds * 1000) / Math.max(1, batches)).toFixed(3);
  return (
    `${(batches / elapsed).toFixed(0)} batches/s (${batches} in ${elapsed.toFixed(1)} s), ` +
    `record p50 ${ack.median.toFixed(0)} ms, p99 ${ack.p99.toFixed(0)} ms, ` +
    `CPU per batch ${perBatchMs((used.user + used.system) / 1e6)} ms (committers' process)` +
    `${storeUsed > 0 ? `, ${perBatchMs(storeUsed)} ms (redis-server)` : ''}`
  );
}

/** Each agent's `idleInstances` more instances, as the commit script keeps them, sequence 1, seen now. */
async function addIdleInstances(redis: Redis): Promise<void> {
  const seen = String(Date.now());
  for (let a = 0; a < agents; a++) {
    const [sequences, seenKey] = instanceSequenceKeys({ namespace: NAMESPACE, name: `agent-${a}` });
    for (let from = 0; from < idleInstances; from += 1_000) {
      const fields: string[] = [];
      const scores: string[] = [];
      for (let i = from; i < Math.min(idleInstances, from + 1_000); i++) {
        fields.push(`idle-${i}`, '1');
        scores.push(seen, `idle-${i}`);
      }
      await redis
        .pipeline()
        .hset(sequences, ...fields)
        .zadd(seenKey, ...scores)
        .exec();
    }
  }
}

/** redis-server's CPU seconds so far (INFO CPU). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

console.log(
  `usage store ingest, ${senders} senders × 1 batch in flight, ${agents} agents, ${replicas} committer(s), ${seconds} s each:`,
);
if (stores.has('redis')) {
  const redis = await RedisServer.start({ appendfsync: 'everysec' });
  const store = redisUsageStore(redisConnection({ url: redis.url }));
  await store.ready();
  const probe = new Redis(redis.url);
  if (idleInstances > 0) await addIdleInstances(probe);
  console.log(
    `  redis (redis-server, AOF everysec): ${await load(store.ledgers, () => redisCpuSeconds(probe))}`,
  );
  probe.disconnect();
  await store.close();
  await redis.close();
}
if (!stores.has('apiserver')) process.exit(0);
const cluster = await testCluster();
await installCrds(cluster);
const client = createKubeClient(
  new ApiTransport(await resolveConnection({ kubeconfig: cluster.kubeconfig })),
);
await client
  .create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } })
  .catch(() => {});
console.log(`  apiserver (kube-apiserver + etcd):  ${await load(apiServerLedgers(client))}`);
process.exit(0);
