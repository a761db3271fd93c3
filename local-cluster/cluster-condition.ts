// What a cluster directory holds right now, decided from its recorded state and which recorded
// processes still run. Pure: the liveness check is passed in.
import type { ClusterState, ProcessRecord } from './cluster-state.js';

export type ClusterCondition =
  /** No state.json: nothing runs there. */
  | { kind: 'absent' }
  /** Every control-plane process runs and the launcher finished. */
  | { kind: 'running'; state: ClusterState }
  /** A launcher is still bringing the cluster up. */
  | { kind: 'starting'; state: ClusterState }
  /** Leftovers of a run that was killed or crashed: some processes may still run, others not. */
  | { kind: 'stale'; state: ClusterState; alive: ProcessRecord[]; dead: ProcessRecord[]; reason: string };

export function assessCluster(
  state: ClusterState | undefined,
  isRunning: (record: ProcessRecord) => boolean,
): ClusterCondition {
  if (!state) return { kind: 'absent' };
  const alive = state.processes.filter(isRunning);
  const dead = state.processes.filter((record) => !alive.includes(record));
  const watcherAlive = state.watcher && isRunning(state.watcher) ? [state.watcher] : [];
  const stale = (reason: string): ClusterCondition => ({
    kind: 'stale',
    state,
    alive: [...alive, ...watcherAlive],
    dead,
    reason,
  });
  if (state.phase === 'starting') {
    if (isRunning(state.launcher)) return { kind: 'starting', state };
    return stale(`its launcher (pid ${state.launcher.pid}) stopped before the cluster was ready`);
  }
  if (dead.length > 0) return stale(`${describe(dead)} ${dead.length === 1 ? 'is' : 'are'} not running`);
  return { kind: 'running', state };
}

/** "etcd (pid 12), kube-apiserver (pid 13)"; "none" for an empty list. */
export function describe(records: { name: string; pid: number }[]): string {
  return records.length === 0
    ? 'none'
    : records.map((record) => `${record.name} (pid ${record.pid})`).join(', ');
}
