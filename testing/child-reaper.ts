// The scenario suites run the operator and sidecars as child processes (`agent-governor operator`,
// `agent-governor sidecar`), which have no orphan check of their own. A test process killed with
// SIGKILL runs no `after` hook, so its children would keep running on a shared machine. The reaper
// is a small detached process that holds the children's pids and kills them once the test process's
// end of its stdin pipe closes — which happens however the test process ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./child-reaper-main.js', import.meta.url));
let reaper: ChildProcess | undefined;

function started(): ChildProcess {
  if (reaper && reaper.exitCode === null) return reaper;
  reaper = spawn(process.execPath, [entry], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  // Neither the reaper nor its pipe may keep the test process alive.
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void }).unref?.();
  return reaper;
}

/** The reaper kills `pid` when this process ends, unless `forgetChild` is called first. */
export function reapWithTest(pid: number): void {
  started().stdin?.write(`add ${pid}\n`);
}

/** `pid` exited on its own or was stopped: the reaper must not kill a process that reuses it. */
export function forgetChild(pid: number): void {
  reaper?.stdin?.write(`forget ${pid}\n`);
}
