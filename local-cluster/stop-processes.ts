// Stops recorded processes: SIGTERM to all at once, SIGKILL to whatever is left after the grace
// period, and returns only when every one is gone, so their ports are free again.
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessRunning, type ProcessIdentity } from './process-liveness.js';

export interface NamedProcess extends ProcessIdentity {
  name: string;
}

export type StopOutcome = 'not-running' | 'terminated' | 'killed';

export interface StoppedProcess {
  name: string;
  pid: number;
  outcome: StopOutcome;
}

export interface StopOptions {
  /** How long processes get to exit after SIGTERM before SIGKILL. */
  graceMs?: number;
  pollMs?: number;
}

export async function stopProcesses(
  processes: NamedProcess[],
  options: StopOptions = {},
): Promise<StoppedProcess[]> {
  const { graceMs = 10_000, pollMs = 50 } = options;
  const outcomes = new Map<NamedProcess, StopOutcome>();
  for (const target of processes) {
    outcomes.set(
      target,
      isProcessRunning(target) && signal(target, 'SIGTERM') ? 'terminated' : 'not-running',
    );
  }
  const pending = () =>
    processes.filter((target) => outcomes.get(target) !== 'not-running' && isProcessRunning(target));
  if (!(await waitUntilGone(pending, graceMs, pollMs))) {
    for (const target of pending()) {
      signal(target, 'SIGKILL');
      outcomes.set(target, 'killed');
    }
    if (!(await waitUntilGone(pending, 5_000, pollMs))) {
      const left = pending().map((target) => `${target.name} (pid ${target.pid})`);
      throw new Error(`${left.join(', ')} still running 5 s after SIGKILL; check them with \`ps -p\``);
    }
  }
  return processes.map((target) => ({ name: target.name, pid: target.pid, outcome: outcomes.get(target)! }));
}

function signal(target: NamedProcess, name: NodeJS.Signals): boolean {
  try {
    process.kill(target.pid, name);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(
  pending: () => NamedProcess[],
  timeoutMs: number,
  pollMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pending().length > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
  return true;
}
