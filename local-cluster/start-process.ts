// Starts one control-plane process detached: its own process group, output appended to a log
// file, and unref'd, so it keeps running after the launcher exits and Ctrl-C in the launcher's
// terminal does not reach it. Stopping it is `cluster down`'s job (or the owner watch's).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, realpathSync } from 'node:fs';

export interface StartedProcess {
  name: string;
  pid: number;
  /** Absolute, symlink-free path of the program, for telling this process from a reused pid. */
  executable: string;
  /** How the process ended, once it has while this launcher still runs; undefined while running. */
  exitStatus(): string | undefined;
}

export interface StartProcessOptions {
  name: string;
  executable: string;
  args: string[];
  logPath: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function startProcess(options: StartProcessOptions): StartedProcess {
  const executable = realpathSync(options.executable);
  const log = openSync(options.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(executable, options.args, {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: options.cwd,
      env: options.env ?? process.env,
    });
  } finally {
    closeSync(log);
  }
  let ended: string | undefined;
  child.once('error', (err) => {
    ended = `could not be started: ${err.message}`;
  });
  child.once('exit', (code, signal) => {
    ended = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`could not start ${options.name} (${executable}); see ${options.logPath}`);
  }
  return { name: options.name, pid: child.pid, executable, exitStatus: () => ended };
}
