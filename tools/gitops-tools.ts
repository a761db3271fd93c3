// The tools the chart and the image are checked with, built from Go modules by tools/helm/build.sh
// (helm, kstatus from sigs.k8s.io/cli-utils, Argo CD's Lua health checks in gopher-lua, BuildKit's
// Dockerfile checks) into the cache, plus any other command line tool (promtool). Suites and tools/install-manifest.mjs find them here.
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../testing/repo-files.js';

export interface GitopsTools {
  /** The cache directory holding the three binaries. */
  dir: string;
  helm: string;
  kstatus: string;
  argocdHealth: string;
  /** BuildKit's Dockerfile checks (`docker build --check`). */
  dockerfileCheck: string;
}

let tools: GitopsTools | undefined;

/**
 * The binaries, built on first use (about 3 minutes on 2 cores; then cached in
 * `$AGENT_GOVERNOR_CACHE/helm-<version>/`, and this call takes milliseconds).
 */
export function gitopsTools(): GitopsTools {
  if (tools) return tools;
  const script = join(REPO_ROOT, 'tools', 'helm', 'build.sh');
  let output: string;
  try {
    output = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (err) {
    throw new Error(
      `could not build helm, kstatus and argocd-health with ${script} (needs Go 1.26 and the Go module proxy): ` +
        (err as Error).message,
    );
  }
  const dir = output.trim().split('\n').at(-1) ?? '';
  tools = {
    dir,
    helm: join(dir, 'helm'),
    kstatus: join(dir, 'kstatus'),
    argocdHealth: join(dir, 'argocd-health'),
    dockerfileCheck: join(dir, 'dockerfile-check'),
  };
  return tools;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  /** Written to the tool's stdin. */
  input?: string;
  /** Kill it after this long; default 120 s. */
  timeoutMs?: number;
  /** Reject on a non-zero exit, quoting stderr; default false (the code is returned). */
  check?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command line tool and collects its output; a missing tool is an error that says so. */
export function runTool(binary: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  const { input, timeoutMs = 120_000, check = false, env } = options;
  const name = binary.split('/').at(-1) ?? binary;
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      args,
      { timeout: timeoutMs, maxBuffer: 64 << 20, env: env ? { ...process.env, ...env } : process.env },
      (err, stdout, stderr) => {
        const failure = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        if (failure?.code === 'ENOENT') {
          reject(new Error(`${binary} is not installed (or not on PATH)`));
          return;
        }
        if (failure?.killed) {
          reject(new Error(`${name} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`));
          return;
        }
        const code = failure ? (typeof failure.code === 'number' ? failure.code : 1) : 0;
        if (check && code !== 0) {
          reject(
            new Error(
              `${name} ${args.join(' ')} exited with code ${code}: ${stderr.trim() || stdout.trim()}`,
            ),
          );
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {
      // The tool may exit before reading its input; its exit code says why.
    });
    child.stdin?.end(input ?? '');
  });
}
