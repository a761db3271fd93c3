// The demo's own processes — the operator, one sidecar per agent, the mock providers — started the
// way `cluster up` starts the control plane (detached, output in DIR/logs/<name>.log) and recorded
// in the cluster's state.json beside etcd and the API server. So one `agent-governor cluster down
// --dir DIR` stops a kept demo whole, and the owner watch of a demo run without --keep stops them
// too when the demo process dies without cleaning up (SIGKILL). See docs/adr/0021-demo-processes-in-cluster-state.md.
import { clusterLayout, logFile } from '../local-cluster/cluster-layout.js';
import { type ProcessRecord, readClusterState, writeClusterState } from '../local-cluster/cluster-state.js';
import { type StartedProcess, startProcess } from '../local-cluster/start-process.js';
import { type StoppedProcess, stopProcesses } from '../local-cluster/stop-processes.js';
import type { DemoLayout } from './demo-layout.js';

export interface DemoProcess extends StartedProcess {
  logPath: string;
}

/** Starts `node <args>` detached, logging to DIR/logs/<name>.log, and records it in state.json. */
export function startDemoProcess(layout: DemoLayout, name: string, args: string[]): DemoProcess {
  const logPath = logFile(clusterLayout(layout.dir), name);
  const started = startProcess({
    name,
    executable: process.execPath,
    args,
    logPath,
    cwd: layout.work,
  });
  record(layout, (processes) => [
    ...processes.filter((p) => p.name !== name),
    { name: started.name, pid: started.pid, executable: started.executable },
  ]);
  return { ...started, logPath };
}

/** Stops the processes (SIGTERM, SIGKILL after graceMs) and drops them from state.json. */
export async function stopDemoProcesses(
  layout: DemoLayout,
  processes: readonly StartedProcess[],
  graceMs = 5_000,
): Promise<StoppedProcess[]> {
  const stopped = await stopProcesses([...processes], { graceMs });
  const pids = new Set(processes.map((p) => p.pid));
  record(layout, (recorded) => recorded.filter((p) => !pids.has(p.pid)));
  return stopped;
}

function record(layout: DemoLayout, change: (processes: ProcessRecord[]) => ProcessRecord[]): void {
  const cluster = clusterLayout(layout.dir);
  const state = readClusterState(cluster);
  if (!state) throw new Error(`no cluster state in ${cluster.state}: the demo's cluster is gone`);
  writeClusterState(cluster, { ...state, processes: change(state.processes) });
}
