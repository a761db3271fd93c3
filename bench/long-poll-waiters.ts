// Memory per held policy long-poll: one `agent-governor services` process (the real command, HTTPS
// on loopback, the real TokenReview and mirror informer against a local control plane) and N real
// long-polls held on it, opened 1,000 at a time. Each waiter is a sidecar's loop — poll with
// ?after=<version>, poll again on the 304 — on a connection of its own, so the steady state holds N.
// After each step, once the services' own gauge says N are held, the process's RSS is read from
// /proc/<pid>/status; the table gives the RSS delta per 1,000 waiters, the number behind
// --max-long-poll-waiters (docs/services-replicas.md).
//
//   npm run bench:waiters [-- --waiters 5000 --step 1000]
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool, request } from 'undici';
import { policyConfigMap } from '../agents/policy-config-map.js';
import { POLICY_VERSION_HEADER } from '../apis/sidecar-protocol.js';
import { configMaps, deployments } from '../runtime/kube/resources.js';
import { policyFor } from '../sidecar-services/testdata/policies.js';
import { agentDeployment } from '../testing/budget-fixture.js';
import { metricValue } from '../testing/eventually.js';
import { agentToken, eventually, servicesEnv, uniqueNamespace } from '../testing/services-fixture.js';
import { startServicesReplica, writeLoopbackCertificate } from '../testing/services-replica.js';

const { values } = parseArgs({
  options: {
    waiters: { type: 'string', default: '5000' },
    step: { type: 'string', default: '1000' },
  },
});
const total = Number(values.waiters);
const step = Number(values.step);
if (!Number.isInteger(total) || !Number.isInteger(step) || step < 1 || total < step) {
  throw new Error(
    '--waiters and --step must be whole numbers with --waiters ≥ --step ≥ 1, e.g. 5000 and 1000',
  );
}

const WAITERS_GAUGE = 'governor_operator_sidecar_policy_waiters';

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return kb / 1024;
}

const env = await servicesEnv();
const namespace = uniqueNamespace('bench-waiters');
const certDir = mkdtempSync(join(tmpdir(), 'bench-waiters-'));
const token = await agentToken(env.cluster, namespace);
await env.client.create(
  deployments,
  agentDeployment(namespace, 'support', { replicas: 0, labels: {}, serviceAccountName: 'agent' }) as never,
);
const version = String(Date.now());
await env.client.create(configMaps, policyConfigMap({ ...policyFor(namespace, 'support'), version }));
const ca = await writeLoopbackCertificate(certDir);
const replica = await startServicesReplica({
  kubeconfig: env.cluster.kubeconfig,
  namespace,
  certDir,
  extra: ['--max-long-poll-waiters', String(total + step), '--log-level', 'warn'],
});
const pid = replica.process.pid;
const path = `/v1/policies/${namespace}/support`;
const pool = new Pool(replica.url, {
  connections: total + 16,
  connect: { ca },
  headersTimeout: 120_000,
  bodyTimeout: 120_000,
  keepAliveTimeout: 120_000,
});
const stopping = new AbortController();
// One signal ends every waiter's request: no leak, so no listener warning.
setMaxListeners(0, stopping.signal);
const failures: string[] = [];
const loadAtStart = loadavg()[0] as number;

async function poll(after?: string): Promise<{ status: number; version: string }> {
  const answer = await pool.request({
    path: after ? `${path}?after=${after}` : path,
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
    signal: stopping.signal,
  });
  await answer.body.text();
  return { status: answer.statusCode, version: String(answer.headers[POLICY_VERSION_HEADER] ?? '') };
}

/** A sidecar's loop: hold a poll, poll again on its 304, until the benchmark ends. */
async function waiter(): Promise<void> {
  while (!stopping.signal.aborted) {
    try {
      const { status } = await poll(version);
      if (status !== 304) failures.push(`a held poll was answered ${status}`);
    } catch (err) {
      if (!stopping.signal.aborted) failures.push((err as Error).message);
      return;
    }
  }
}

async function held(): Promise<number> {
  const answer = await request(`${replica.metricsUrl}/metrics`);
  return metricValue(await answer.body.text(), WAITERS_GAUGE);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
const rows: Array<{ waiters: number; rss: number }> = [];
const loops: Array<Promise<void>> = [];
try {
  await eventually(
    () => poll().catch(() => ({ status: 0, version: '' })),
    (answer) => answer.status === 200 && answer.version === version,
    'the replica to serve the mirrored policy',
    60_000,
  );
  // Warm: the TLS, TokenReview cache and long-poll paths have run once before the baseline.
  for (let i = 0; i < 20; i++) await poll();
  await settle();
  rows.push({ waiters: 0, rss: rssMiB(pid) });
  for (let open = step; open <= total; open += step) {
    for (let i = 0; i < step; i++) loops.push(waiter());
    await eventually(held, (count) => count >= open, `${open} held long-polls`, 120_000);
    await settle();
    rows.push({ waiters: open, rss: rssMiB(pid) });
    if (failures.length > 0) throw new Error(`long-polls failed: ${failures.slice(0, 3).join('; ')}`);
  }
} catch (err) {
  console.error(`the services process said:\n${replica.process.output().slice(-4_000)}`);
  throw err;
} finally {
  stopping.abort();
  await replica.process.stop('SIGTERM');
  await Promise.allSettled(loops);
  await pool.destroy();
  rmSync(certDir, { recursive: true, force: true });
  await env.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
}

const base = rows[0]?.rss ?? 0;
const last = rows[rows.length - 1] ?? { waiters: 0, rss: 0 };
console.log(
  `\nload average ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] as number).toFixed(2)} at end`,
);
console.log('\n| held long-polls | RSS (MiB) | Δ from none (MiB) | Δ per 1,000 (MiB) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const perThousand = row.waiters > 0 ? (((row.rss - base) / row.waiters) * 1000).toFixed(1) : '—';
  console.log(`| ${row.waiters} | ${row.rss.toFixed(1)} | ${(row.rss - base).toFixed(1)} | ${perThousand} |`);
}
console.log(
  `\nRSS per 1,000 held long-polls over HTTPS: ${(((last.rss - base) / last.waiters) * 1000).toFixed(1)} MiB ` +
    `(${last.waiters} held; Node ${process.version}).`,
);
process.exit(0);
