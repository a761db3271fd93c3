// LiteLLM's proxy as the benchmark runs it: `litellm[proxy]` from PyPI, pinned, installed once with
// pip into a virtual environment in the cache outside the checkout, started with one worker and
// pointed at the benchmark's mock upstream. When it cannot be installed (no python3, no PyPI), the
// benchmark says why and leaves LiteLLM's column out.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { BenchProcess } from './bench-processes.js';

/**
 * The LiteLLM release measured. Its `proxy` extra must resolve on PyPI: 1.108 and later pin
 * `litellm-proxy-extras` releases that were never published there.
 */
export const LITELLM_VERSION = '1.106.12';

/** Where the virtual environment lives: `~/.cache/agent-governor/litellm-<version>/`. */
export function liteLlmHome(version = LITELLM_VERSION): string {
  return join(homedir(), '.cache', 'agent-governor', `litellm-${version}`);
}

/** The master key the benchmark's LiteLLM requires (it refuses to start without one). */
export const LITELLM_MASTER_KEY = `sk-bench-${'0123456789abcdef'.repeat(4)}`;

export type LiteLlmInstall = { ok: true; bin: string } | { ok: false; reason: string };

/** pip may take a while on a slow mirror; longer means something is wrong. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * The `litellm` command of the pinned release, installed first when it is not there yet: a virtual
 * environment from `python3 -m venv`, then `pip install litellm[proxy]==VERSION` (about 750 MB, a
 * minute or two). A finished install is marked, so an interrupted one is started over next time.
 */
export async function ensureLiteLlm(log: (message: string) => void): Promise<LiteLlmInstall> {
  const home = liteLlmHome();
  const venv = join(home, 'venv');
  const bin = join(venv, 'bin', 'litellm');
  const marker = join(home, 'installed');
  if (existsSync(marker) && existsSync(bin)) return { ok: true, bin };
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  log(`installing LiteLLM ${LITELLM_VERSION} from PyPI into ${home} (once; about 750 MB, a minute or two)`);
  const venvMade = await run('python3', ['-m', 'venv', venv], 120_000);
  if (!venvMade.ok) return { ok: false, reason: `python3 -m venv failed: ${venvMade.output}` };
  const pip = await run(
    join(venv, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '--no-input', `litellm[proxy]==${LITELLM_VERSION}`],
    INSTALL_TIMEOUT_MS,
  );
  if (!pip.ok || !existsSync(bin)) {
    rmSync(venv, { recursive: true, force: true });
    return { ok: false, reason: `pip could not install litellm[proxy]==${LITELLM_VERSION}: ${pip.output}` };
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { ok: true, bin };
}

/**
 * Starts `litellm --config FILE --host 127.0.0.1 --port PORT --num_workers 1` with one OpenAI-compatible
 * model entry, `gpt-4o`, whose `api_base` is the mock; resolves once `/health/readiness` answers 200
 * (LiteLLM takes seconds to start, more on a busy machine) and one call went through.
 */
export async function startLiteLlm(
  bin: string,
  upstreamBaseUrl: string,
  port: number,
): Promise<BenchProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-litellm-'));
  const config = join(dir, 'litellm.yaml');
  writeFileSync(
    config,
    [
      'model_list:',
      '  - model_name: gpt-4o',
      '    litellm_params:',
      '      model: openai/gpt-4o',
      `      api_base: ${upstreamBaseUrl}`,
      '      api_key: sk-bench-not-a-real-key',
      'general_settings:',
      `  master_key: ${LITELLM_MASTER_KEY}`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    bin,
    ['--config', config, '--host', '127.0.0.1', '--port', String(port), '--num_workers', '1'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      // The price map ships with the package: no fetch from GitHub at start (the benchmark is offline).
      env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True', LITELLM_LOG: 'ERROR' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child).finally(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await ready(`${url}/health/readiness`, child, 180_000);
    const warm = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${LITELLM_MASTER_KEY}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'warm up' }] }),
    });
    const text = await warm.body.text();
    if (warm.statusCode !== 200)
      throw new Error(`its first call answered ${warm.statusCode}: ${text.slice(0, 300)}`);
  } catch (err) {
    await stop();
    throw new Error(`LiteLLM did not start: ${(err as Error).message}\n${stderr.slice(-1_500)}`);
  }
  return { pid: child.pid!, url, stop };
}

async function ready(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
    try {
      const response = await request(url, { method: 'GET' });
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs a command to its end: its exit, and the tail of what it printed. */
function run(command: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ ok: false, output: (err as Error).message });
      return;
    }
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(stopped after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, output: err.message });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, output: lastLines(output) });
    });
  });
}

/** The lines that say what went wrong: pip's last few. */
function lastLines(text: string): string {
  return text.trim().split('\n').slice(-4).join(' | ');
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
