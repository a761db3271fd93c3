// Runs the kubectl built with the control plane against one cluster. Suites use it to apply
// manifests and read objects back the way a person would.
import { spawn } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Kill kubectl and reject after this long; default 60 s. */
  timeoutMs?: number;
  /** Reject when kubectl exits non-zero, quoting its stderr; default false (the code is returned). */
  check?: boolean;
}

export type Kubectl = (args: string[], options?: KubectlOptions) => Promise<KubectlResult>;

/** A kubectl runner bound to one binary and one kubeconfig (always passed as --kubeconfig). */
export function kubectlFor(binary: string, kubeconfig: string): Kubectl {
  return (args, options = {}) => runKubectl(binary, ['--kubeconfig', kubeconfig, ...args], options);
}

function runKubectl(binary: string, args: string[], options: KubectlOptions): Promise<KubectlResult> {
  const { input, timeoutMs = 60_000, check = false } = options;
  const shown = `kubectl ${args.slice(2).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${shown} did not finish within ${timeoutMs / 1000} s; its stderr so far: ${stderr.trim()}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${binary}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (check && result.code !== 0) {
        reject(new Error(`${shown} exited with code ${result.code}: ${stderr.trim() || stdout.trim()}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {
      // kubectl may exit before reading its input (e.g. a bad flag); the exit code tells why.
    });
    child.stdin.end(input ?? '');
  });
}
