// Whether a recorded process still runs. A pid alone is not enough: the kernel reuses pids, so on
// Linux the executable behind the pid must match the record; and a zombie (exited, not yet reaped
// by its parent) counts as gone.
import { readFileSync, readlinkSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Absolute, symlink-free path of the program the process runs. */
  executable?: string;
}

export function isProcessRunning({ pid, executable }: ProcessIdentity): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: no such process. EPERM: another user's process holds the pid, so not one we started.
    return false;
  }
  const state = procState(pid);
  if (state === 'gone' || state === 'Z' || state === 'X') return false;
  if (executable) {
    const running = procExecutable(pid);
    if (running !== undefined && running.replace(/ \(deleted\)$/, '') !== executable) return false;
  }
  return true;
}

/** The one-letter scheduler state from /proc/PID/stat; undefined where there is no /proc. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')');
    return stat.slice(end + 2, end + 3);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && hasProc() ? 'gone' : undefined;
  }
}

function procExecutable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

function hasProc(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
