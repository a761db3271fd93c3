// A cluster started for a test process must not outlive it, even when that process is killed
// with SIGKILL and no `after` hook or signal handler runs. The owner watch is a small detached Node
// process that polls the owner's pid and runs `cluster down` once the owner is gone.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterLayout } from './cluster-layout.js';
import { logFile } from './cluster-layout.js';
import { type StartedProcess, startProcess } from './start-process.js';

export const ownerWatchName = 'owner-watch';
const entryPoint = join(fileURLToPath(new URL('.', import.meta.url)), 'owner-watch-main.js');

export function startOwnerWatch(
  layout: ClusterLayout,
  ownerPid: number,
  { removeDir }: { removeDir: boolean },
): StartedProcess {
  return startProcess({
    name: ownerWatchName,
    executable: process.execPath,
    args: [entryPoint, layout.dir, String(ownerPid), ...(removeDir ? ['--remove-dir'] : [])],
    logPath: logFile(layout, ownerWatchName),
  });
}
