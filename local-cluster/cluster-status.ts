// `cluster status`: what runs in a cluster directory, and whether the API server answers /readyz.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assessCluster, type ClusterCondition } from './cluster-condition.js';
import { type ClusterLayout, clusterLayout, pkiFiles } from './cluster-layout.js';
import { readClusterState, recordedProcesses } from './cluster-state.js';
import { isProcessRunning } from './process-liveness.js';
import { httpGet } from './readiness.js';

export interface ClusterStatus {
  dir: string;
  condition: ClusterCondition['kind'];
  server?: string;
  kubeconfig?: string;
  binDir?: string;
  processes: { name: string; pid: number; running: boolean }[];
  /** Whether /readyz answered ok; only asked when the processes run. */
  ready?: boolean;
  /** One line for a person. */
  message: string;
}

export async function clusterStatus({ dir }: { dir: string }): Promise<ClusterStatus> {
  const layout = clusterLayout(resolve(dir));
  if (!existsSync(layout.dir)) {
    return { dir: layout.dir, condition: 'absent', processes: [], message: `no cluster in ${layout.dir}` };
  }
  const state = readClusterState(layout);
  const condition = assessCluster(state, isProcessRunning);
  if (!state || condition.kind === 'absent') {
    return { dir: layout.dir, condition: 'absent', processes: [], message: `no cluster in ${layout.dir}` };
  }
  const base = {
    dir: layout.dir,
    condition: condition.kind,
    server: state.server,
    kubeconfig: state.kubeconfig,
    binDir: state.binDir,
    processes: recordedProcesses(state).map((record) => ({
      name: record.name,
      pid: record.pid,
      running: isProcessRunning(record),
    })),
  };
  switch (condition.kind) {
    case 'starting':
      return {
        ...base,
        message: `a cluster is starting in ${layout.dir} (launcher pid ${state.launcher.pid})`,
      };
    case 'stale':
      return {
        ...base,
        message:
          `leftovers of a cluster in ${layout.dir}: ${condition.reason}; ` +
          `\`agent-governor cluster up --dir ${layout.dir}\` cleans them up and starts afresh, ` +
          `\`cluster down\` only cleans up`,
      };
    case 'running': {
      const readiness = await readyz(layout, state.server);
      return {
        ...base,
        ready: readiness === true,
        message:
          readiness === true
            ? `cluster running in ${layout.dir}, API server ${state.server} ready`
            : `cluster processes run in ${layout.dir}, but ${state.server}/readyz answers: ${readiness}`,
      };
    }
  }
}

async function readyz(layout: ClusterLayout, server: string): Promise<true | string> {
  try {
    const files = pkiFiles(layout);
    const tls = {
      ca: readFileSync(files.caCertificate, 'utf8'),
      cert: readFileSync(files.adminCertificate, 'utf8'),
      key: readFileSync(files.adminKey, 'utf8'),
    };
    const answer = await httpGet(`${server}/readyz`, tls);
    return answer.status === 200 && answer.body.trim() === 'ok'
      ? true
      : `${answer.status} ${answer.body.trim()}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
