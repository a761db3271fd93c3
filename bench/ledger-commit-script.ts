// redis-server's CPU per recorded batch of the ledger commit script alone (sidecar-services/usage-store/
// redis-ledger-table.ts): `writes` writes of one small ledger, each recording `group` batches of
// instances taken in turn from `instances`, against Debian's redis-server (append-only file fsynced
// every second). No committer, no ledger arithmetic: what the store spends per batch on the
// instances' sequences (ADR 0071) beside the write of the document. Compare builds side by side.
//
//   npm run build && node dist/bench/ledger-commit-script.js [-- --instances 3000 --writes 4000 --group 64]
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { emptyLedger } from '../apis/ledger/ledger-name.js';
import { RedisLedgerTable } from '../sidecar-services/usage-store/redis-ledger-table.js';
import { RedisServer } from '../testing/redis-server.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3000' },
    writes: { type: 'string', default: '4000' },
    group: { type: 'string', default: '64' },
  },
});
const instances = Number(values.instances);
const writes = Number(values.writes);
const group = Number(values.group);

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

const server = await RedisServer.start({ appendfsync: 'everysec' });
const redis = new Redis(server.url);
const table = new RedisLedgerTable(redis);
let ledger = await table.create({
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'AgentUsageLedger',
  metadata: { namespace: 'agents', name: 'crowd' },
  spec: emptyLedger('crowd'),
});
const sequences = new Array<number>(instances).fill(0);
let next = 0;
const cpuBefore = await redisCpuSeconds(redis);
const started = performance.now();
for (let w = 0; w < writes; w++) {
  const batches: { instance: string; sequence: number }[] = [];
  for (let k = 0; k < group; k++) {
    const i = next++ % instances;
    sequences[i] = (sequences[i] ?? 0) + 1;
    batches.push({ instance: `pod-${i}`, sequence: sequences[i] });
  }
  ledger = await table.update(ledger, { atMs: Date.now(), batches });
}
const cpu = (await redisCpuSeconds(redis)) - cpuBefore;
const seconds = (performance.now() - started) / 1000;
console.log(
  `${((cpu * 1e6) / (writes * group)).toFixed(2)} µs of redis-server CPU per batch ` +
    `(${writes} writes × ${group} batches, ${instances} instances, ${seconds.toFixed(1)} s)`,
);
redis.disconnect();
await server.close();
process.exit(0);
