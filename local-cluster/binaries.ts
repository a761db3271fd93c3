// The control-plane binaries: kube-apiserver, kube-controller-manager, kubectl and etcd, built from
// Go modules by local-cluster/controlplane/build.sh into a cache keyed by version. The script returns at once
// when the cache is complete and builds (20-40 minutes, once) when it is not.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ControlPlaneBinaries {
  dir: string;
  etcd: string;
  kubeApiServer: string;
  kubeControllerManager: string;
  kubectl: string;
}

/** The package root: this file is local-cluster/binaries.ts, compiled to dist/local-cluster/binaries.js. */
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
export const buildScript = join(packageRoot, 'local-cluster', 'controlplane', 'build.sh');

export function binariesIn(dir: string): ControlPlaneBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiServer: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubectl: join(dir, 'kubectl'),
  };
}

/** The binaries in dir; throws naming the missing ones and how to get them. */
export function verifiedBinariesIn(dir: string): ControlPlaneBinaries {
  const binaries = binariesIn(dir);
  const missing = [
    binaries.etcd,
    binaries.kubeApiServer,
    binaries.kubeControllerManager,
    binaries.kubectl,
  ].filter((path) => !isExecutable(path));
  if (missing.length > 0) {
    throw new Error(
      `control-plane binaries missing or not executable: ${missing.join(', ')}; ` +
        `build them with \`bash ${buildScript}\` (prints the directory to use)`,
    );
  }
  return binaries;
}

export interface LocateOptions {
  /** Receives build.sh's progress lines (a cold build prints that it started and how long it took). */
  log?: (line: string) => void;
}

/** Runs build.sh, which builds only when the cache is incomplete, and returns the cached binaries. */
export async function locateBinaries(options: LocateOptions = {}): Promise<ControlPlaneBinaries> {
  if (!existsSync(buildScript)) {
    throw new Error(`${buildScript} is missing; the control-plane build script ships with agent-governor`);
  }
  const { code, stdout, stderr } = await run('bash', [buildScript], options.log);
  const dir = stdout.trim().split('\n').pop()?.trim();
  if (code !== 0 || !dir) {
    throw new Error(
      `building the control-plane binaries failed (bash ${buildScript} exited with code ${code}); ` +
        `it needs Go (see local-cluster/controlplane/go.mod for the version) and network access to the Go module proxy ` +
        `the first time. Its last output:\n${lastLines(stderr, 15)}`,
    );
  }
  return verifiedBinariesIn(dir);
}

function run(command: string, args: string[], log?: (line: string) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) log?.(line);
    });
    child.once('error', (err) =>
      reject(new Error(`could not run ${command} ${args.join(' ')}: ${err.message}`)),
    );
    child.once('close', (code) => {
      if (partial) log?.(partial);
      resolve({ code, stdout, stderr });
    });
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
