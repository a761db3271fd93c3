// Restarts the kube-apiserver of a cluster this test process started itself (never the shared
// one): SIGKILL, as a crash would, then the same command line — plus extra flags — on the same
// port and etcd. state.json is updated, so `clusterDown` and the owner watch stop the new process.

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterLayout, logFile, pkiFiles } from '../../local-cluster/cluster-layout.js';
import { readClusterState, writeClusterState } from '../../local-cluster/cluster-state.js';
import { apiServerArgs } from '../../local-cluster/component-flags.js';
import { isProcessRunning } from '../../local-cluster/process-liveness.js';
import { httpGet, waitUntil } from '../../local-cluster/readiness.js';
import { startProcess } from '../../local-cluster/start-process.js';

export async function restartApiServer(clusterDir: string, extraArgs: string[] = []): Promise<void> {
  const layout = clusterLayout(clusterDir);
  const state = readClusterState(layout);
  const record = state?.processes.find((p) => p.name === 'kube-apiserver');
  if (!state || !record) throw new Error(`no kube-apiserver recorded in ${layout.state}`);
  process.kill(record.pid, 'SIGKILL');
  for (let i = 0; i < 100 && isProcessRunning(record); i++) await sleep(100);
  if (isProcessRunning(record)) throw new Error(`kube-apiserver pid ${record.pid} survived SIGKILL`);
  const pki = pkiFiles(layout);
  const tls = {
    ca: readFileSync(pki.caCertificate, 'utf8'),
    cert: readFileSync(pki.adminCertificate, 'utf8'),
    key: readFileSync(pki.adminKey, 'utf8'),
  };
  // Right after a SIGKILL the port or etcd lease may not be free yet and the new process exits at
  // once: start it again, a few times, as a supervisor would.
  for (let attempt = 1; ; attempt++) {
    const started = startProcess({
      name: 'kube-apiserver',
      executable: record.executable,
      args: [...apiServerArgs(layout, state.ports), ...extraArgs],
      logPath: logFile(layout, 'kube-apiserver'),
      cwd: layout.dir,
    });
    writeClusterState(layout, {
      ...state,
      processes: state.processes.map((p) =>
        p.name === 'kube-apiserver' ? { name: p.name, pid: started.pid, executable: started.executable } : p,
      ),
    });
    try {
      await waitUntil(
        'the restarted kube-apiserver to be ready',
        async () => {
          const answer = await httpGet(`${state.server}/readyz`, tls);
          return answer.status === 200 ? true : `${answer.status} ${answer.body.slice(0, 200)}`;
        },
        { timeoutMs: 60_000, intervalMs: 200, abandon: () => started.exitStatus() },
      );
      return;
    } catch (err) {
      if (attempt >= 5 || started.exitStatus() === undefined) throw err;
      await sleep(1_000);
    }
  }
}

/**
 * Compacts etcd's history up to now, as its periodic compaction would: watches resuming from an
 * older resourceVersion then get 410 Gone (when the API server reads etcd directly).
 */
export async function compactEtcd(clusterDir: string): Promise<number> {
  const state = readClusterState(clusterLayout(clusterDir));
  if (!state) throw new Error(`no cluster state in ${clusterDir}`);
  const etcd = `http://127.0.0.1:${state.ports.etcdClient}`;
  const range = await fetch(`${etcd}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from('compact-probe').toString('base64') }),
  });
  const revision = Number(((await range.json()) as { header: { revision: string } }).header.revision);
  const compaction = await fetch(`${etcd}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision: String(revision), physical: true }),
  });
  if (!compaction.ok)
    throw new Error(`etcd compaction failed: ${compaction.status} ${await compaction.text()}`);
  return revision;
}
