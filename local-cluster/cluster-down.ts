// `cluster down`: stop every recorded process and wait until each is gone (so no port stays
// held), then remove the cluster's files. The logs stay for a post-mortem; the next `up` clears
// them. Down on a directory without a cluster says so and succeeds.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe } from './cluster-condition.js';
import { hasClusterFiles, removeClusterFiles } from './cluster-files.js';
import { clusterLayout } from './cluster-layout.js';
import { type ProcessRecord, readClusterState, recordedProcesses } from './cluster-state.js';
import { ownerWatchName } from './owner-watch.js';
import { type StopOptions, type StoppedProcess, stopProcesses } from './stop-processes.js';

export interface ClusterDownOptions {
  dir: string;
  /** How long processes get after SIGTERM before SIGKILL. */
  graceMs?: number;
}

export interface ClusterDownOutcome {
  /** False when there was no cluster to stop. */
  stoppedCluster: boolean;
  processes: StoppedProcess[];
  /** One line for a person: what was stopped, or that there was nothing to stop. */
  message: string;
}

export async function clusterDown(options: ClusterDownOptions): Promise<ClusterDownOutcome> {
  const layout = clusterLayout(resolve(options.dir));
  if (!existsSync(layout.dir)) {
    return {
      stoppedCluster: false,
      processes: [],
      message: `no cluster in ${layout.dir} (no such directory)`,
    };
  }
  const state = readClusterState(layout);
  if (!state) {
    const leftovers = hasClusterFiles(layout);
    removeClusterFiles(layout, { keepLogs: true });
    const removed = leftovers ? '; removed files a failed start left behind' : '';
    return {
      stoppedCluster: false,
      processes: [],
      message: `no cluster in ${layout.dir} (nothing to stop${removed})`,
    };
  }
  // The owner watch runs `down` itself once its owner exits; it must not wait for its own end.
  const targets = recordedProcesses(state).filter((record) => record.pid !== process.pid);
  const processes = await stopClusterProcesses(targets, { graceMs: options.graceMs });
  removeClusterFiles(layout, { keepLogs: true });
  const by = (outcome: StoppedProcess['outcome']) =>
    processes.filter((stopped) => stopped.outcome === outcome);
  const parts: string[] = [];
  if (by('terminated').length > 0) parts.push(`stopped ${describe(by('terminated'))}`);
  if (by('killed').length > 0) parts.push(`killed ${describe(by('killed'))} after the grace period`);
  if (by('not-running').length > 0) parts.push(`${describe(by('not-running'))} had already exited`);
  return {
    stoppedCluster: true,
    processes,
    message: `cluster in ${layout.dir} is down: ${parts.join('; ') || 'nothing was running'}; logs kept in ${layout.logs}`,
  };
}

/**
 * Stops a cluster's processes in stages. etcd after the API server: an API server whose etcd is
 * already gone retries for longer than any grace period instead of exiting (with etcd up it exits
 * in 1-3 s). The owner watch last: if whoever runs this dies half way, the watch finishes the job.
 */
export async function stopClusterProcesses(
  records: ProcessRecord[],
  options: StopOptions = {},
): Promise<StoppedProcess[]> {
  const stages = [
    records.filter((record) => record.name !== 'etcd' && record.name !== ownerWatchName),
    records.filter((record) => record.name === 'etcd'),
    records.filter((record) => record.name === ownerWatchName),
  ];
  const stopped: StoppedProcess[] = [];
  for (const stage of stages) stopped.push(...(await stopProcesses(stage, options)));
  return stopped;
}
