// Starting and stopping stamping-operator.js child processes for the leader-election tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./stamping-operator.js', import.meta.url));

export interface OperatorProcess {
  identity: string;
  metricsUrl: string;
  healthUrl: string;
  child: ChildProcess;
  /** Everything it wrote to stderr (its JSON log). */
  log(): string;
  /** Resolves with the exit code (or the signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
}

export async function startOperatorProcess(
  kubeconfig: string,
  namespace: string,
  identity: string,
  extra: string[] = [],
): Promise<OperatorProcess> {
  const child = spawn(process.execPath, [entry, kubeconfig, namespace, identity, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(
    ([code, signal]) => (signal as NodeJS.Signals | null) ?? (code as number),
  );
  let stdout = '';
  const started = new Promise<{ metricsUrl: string; healthUrl: string }>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then((code) =>
      reject(new Error(`operator ${identity} exited (${code}) before starting:\n${stderr}`)),
    );
  });
  const { metricsUrl, healthUrl } = await started;
  return { identity, metricsUrl, healthUrl, child, log: () => stderr, exited };
}

export async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return response.text();
}
