import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { request } from 'undici';

/** A process the benchmark started, with its address; `stop` ends it. */
export interface BenchProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Forks a compiled entry beside this file and waits for its `{ url }` message. */
export async function forkEntry(
  entry: string,
  args: string[],
  options: { execPath?: string } = {},
): Promise<BenchProcess & { message: Record<string, string> }> {
  const child = fork(new URL(entry, import.meta.url), args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    ...(options.execPath ? { execPath: options.execPath } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const message = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start within 20 s: ${stderr}`)),
      20_000,
    );
    child.once('message', (value) => {
      clearTimeout(timer);
      resolve(value as Record<string, string>);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}: ${stderr}`));
    });
  });
  return { pid: child.pid!, url: message.url!, message, stop: () => stopChild(child) };
}

/** Starts @portkey-ai/gateway headless on `port` and waits until it answers HTTP. */
export async function startPortkey(port: number): Promise<BenchProcess> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@portkey-ai/gateway/package.json'));
  const child = spawn(
    process.execPath,
    [join(root, 'build', 'start-server.js'), `--port=${port}`, '--headless'],
    {
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const response = await request(url, { method: 'GET' });
      await response.body.dump();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`Portkey exited with ${child.exitCode}`);
      if (performance.now() > deadline) throw new Error('Portkey did not answer within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { pid: child.pid!, url, stop: () => stopChild(child) };
}

/** Resident set size of a process in MB (Linux /proc), or NaN where it cannot be read. */
export function residentMegabytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `everyMs` until the returned function is called; that returns the peak. */
export function watchResidentMemory(pid: number, everyMs = 100): () => number {
  let peak = residentMegabytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, residentMegabytes(pid));
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, residentMegabytes(pid));
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });
}
