// Entry point of the owner watch (see owner-watch.ts):
//   node owner-watch-main.js DIR OWNER_PID [--remove-dir]
// Exits on its own when the cluster in DIR is gone or belongs to another watch. With --remove-dir
// (a test's scratch directory) it removes DIR, logs included, after stopping the cluster.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterDown } from './cluster-down.js';
import { clusterLayout } from './cluster-layout.js';
import { readClusterState } from './cluster-state.js';
import { isProcessRunning } from './process-liveness.js';

const [dir, ownerArg, flag] = process.argv.slice(2);
const ownerPid = Number(ownerArg);
if (!dir || !Number.isInteger(ownerPid) || ownerPid <= 0) {
  console.error('usage: owner-watch-main.js DIR OWNER_PID [--remove-dir]');
  process.exit(2);
}
const layout = clusterLayout(dir);

for (;;) {
  const state = readClusterState(layout);
  // The watcher is recorded right after it starts; until then the state names no watcher.
  if (!state || (state.watcher && state.watcher.pid !== process.pid)) process.exit(0);
  if (!isProcessRunning({ pid: ownerPid })) {
    console.log(`${new Date().toISOString()} owner pid ${ownerPid} exited; stopping the cluster in ${dir}`);
    const outcome = await clusterDown({ dir });
    console.log(outcome.message);
    if (flag === '--remove-dir') rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
  await sleep(500);
}
