import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { leanProcessEnvironment, SIDECAR_NODE_FLAGS } from '../../cli/node-flags.js';
import { freePorts } from '../../local-cluster/free-port.js';
import { compileConfigText } from '../../sidecar/config/load-sidecar-config.js';

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
  options: { execPath?: string; execArgv?: string[] } = {},
): Promise<BenchProcess & { message: Record<string, string> }> {
  const child = fork(new URL(entry, import.meta.url), args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    ...(options.execPath ? { execPath: options.execPath } : {}),
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
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

/** The repository's `agent-governor` command, from dist/bench/sidecar-overhead/. */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'agent-governor.mjs');

/**
 * The sidecar as shipped: `agent-governor sidecar --config FILE` in a process of its own (its RSS is
 * the sidecar's alone), with the V8 flags and environment the command gives itself (on Node without
 * `process.execve` it cannot, so they are passed here, from the same constants). The
 * policy is a realistic one — a budget, a reasoning budget, a residency rule — without a cache,
 * which would answer without the upstream and flatter the sidecar. One log line per request goes to
 * stdout as in production (discarded here). With `profileDir` it runs with `--cpu-prof` and writes
 * its `.cpuprofile` there when stopped.
 */
export async function startSidecarCli(
  upstreamBaseUrl: string,
  options: {
    profileDir?: string;
    operatorUrl?: string;
    /** Another build's `bin/agent-governor.mjs` (a baseline checkout); default this one's. */
    bin?: string;
    /** More `agent-governor sidecar` flags, e.g. `--otlp-endpoint URL`. */
    extraArgs?: string[];
    /** More Node or V8 flags, e.g. `--log-deopt` (a profile of its own). */
    nodeFlags?: string[];
  } = {},
): Promise<BenchProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sidecar-'));
  const config = join(dir, 'sidecar.yaml');
  writeFileSync(config, benchPolicy(upstreamBaseUrl));
  // As injected: the policy from the operator's long-poll, usage sent to it (`benchEffectivePolicy`).
  const source = options.operatorUrl
    ? ['--operator-url', options.operatorUrl, '--agent', `${BENCH_AGENT.namespace}/${BENCH_AGENT.name}`]
    : ['--config', config];
  const [port] = await freePorts(1);
  return startAgentGovernor(
    'sidecar',
    [...source, ...(options.extraArgs ?? []), '--port', String(port), '--spool-dir', join(dir, 'spool')],
    port!,
    options,
  );
}

/**
 * `agent-governor <command> ARGS` in a process of its own with the sidecar's V8 flags and lean
 * environment (the gateway runs the sidecar's pipeline: the same flags), answering on `port`; with
 * `profileDir`, `--cpu-prof` into it.
 */
export async function startAgentGovernor(
  command: string,
  args: string[],
  port: number,
  options: { profileDir?: string; bin?: string; nodeFlags?: string[] } = {},
): Promise<BenchProcess> {
  const child = spawn(
    process.execPath,
    [
      ...SIDECAR_NODE_FLAGS,
      ...(options.nodeFlags ?? []),
      ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : []),
      options.bin ?? BIN,
      command,
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: leanProcessEnvironment() },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = `http://127.0.0.1:${port}`;
  await answering(`${url}/readyz`, child, () => `agent-governor ${command} did not start: ${stderr}`);
  return { pid: child.pid!, url, stop: () => stopChild(child) };
}

/** The agent the benchmark's sidecar governs. */
export const BENCH_AGENT = { namespace: 'bench', name: 'bench-agent' };

/** The benchmark's policy as the operator would serve it: the same file, compiled. */
export function benchEffectivePolicy(upstreamBaseUrl: string): EffectivePolicy {
  return compileConfigText(benchPolicy(upstreamBaseUrl), 'bench-sidecar.yaml').policy;
}

function benchPolicy(upstreamBaseUrl: string): string {
  return `apiVersion: config.governor.agents.dev/v1alpha1
kind: SidecarConfig
agent: { name: bench-agent, namespace: bench }
routes:
  - name: default
    model: "*"
    targets:
      - name: mock
        provider: OpenAI
        endpoint: ${upstreamBaseUrl}
        apiKey: sk-bench-not-a-real-key
budgets:
  - name: daily
    limits: { tokens: 100000000000 }
    thresholds:
      - percent: 80
        actions: [Alert]
reasoning:
  maxTokensPerRequest: 4096
  maxCallsPerTrace: 50
residency:
  - name: us-and-eu
    mode: Enforce
    allowedJurisdictions: [US, EU]
`;
}

/** Waits until `url` answers HTTP (any status) or the child exits (then throws `why()`). */
async function answering(url: string, child: ChildProcess, why: () => string): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const response = await request(url, { method: 'GET' });
      await response.body.dump();
      return;
    } catch {
      if (child.exitCode !== null) throw new Error(why());
      if (performance.now() > deadline) throw new Error(`${why()} (no answer within 30 s)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
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
  await answering(url, child, () => `Portkey exited with ${child.exitCode}`);
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
