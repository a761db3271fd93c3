// `agent-governor …` as a child process, the way a pod runs it: started with its flags, ready once
// it prints its start-up line, stopped with a signal. Every child is registered with the reaper, so
// it never outlives the test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { forgetChild, reapWithTest } from './child-reaper.js';
import { REPO_ROOT } from './repo-files.js';

const MAX_OUTPUT_CHARS = 256 * 1024;

export const AGENT_GOVERNOR_BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** The start-up line's match. */
  ready: RegExpExecArray;
  /** Everything it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/**
 * Starts `agent-governor ARGS…` (or `node SCRIPT ARGS…` with `script`) and resolves once a line of
 * its output matches `ready`; rejects when it exits first or stays silent for `timeoutMs`.
 */
export async function startCliProcess(
  args: string[],
  ready: RegExp,
  options: { timeoutMs?: number; script?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<CliProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.script ?? AGENT_GOVERNOR_BIN, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start agent-governor ${args.join(' ')}`);
  reapWithTest(pid);
  let output = '';
  const exited = once(child, 'exit').then(([code, signal]) => {
    forgetChild(pid);
    return (signal as NodeJS.Signals | null) ?? (code as number);
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent-governor ${args[0]} printed no ${ready} in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: string) => {
      // The tail is enough for a failure message; a chatty operator must not fill the test's memory.
      output = (output + chunk).slice(-MAX_OUTPUT_CHARS);
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent-governor ${args[0]} exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    child,
    pid,
    ready: match,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
