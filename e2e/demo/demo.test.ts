// `agent-governor demo` as a person runs it: its own control plane under a temporary --dir, the
// operator, real sidecar processes and mock providers. It must tell the whole story (every row of
// the summary held, exit 0) and leave nothing running — at the end, with --keep after
// `agent-governor cluster down`, and after Ctrl-C in the middle.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../../testing/repo-files.js';

const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'agent-governor-demo-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every row of the summary, in order. */
const STEPS = [
  'control plane',
  'install',
  'operator',
  'providers',
  'agents',
  'admission webhooks',
  'sidecar injected',
  'sidecars',
  'gateway',
  'experiment',
  'budget 50 %',
  'budget 75 %',
  'budget 100 %',
  'compression',
  'outage',
  'recovery',
  'residency',
  'SLO',
  'dataflow map',
  'audit report',
];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the CLI to its end (bounded), optionally doing something once a line appears. */
function agentGovernor(
  args: string[],
  options: { timeoutMs: number; onOutput?: (output: string, child: ReturnType<typeof spawn>) => void },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      options.onOutput?.(output, child);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`agent-governor ${args.join(' ')} did not end within ${options.timeoutMs} ms:\n${output}`),
      );
    }, options.timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** The summary's rows: step → verdict (`yes`, `NO`, `not run`) and the text of the row. */
function summaryRows(output: string): Map<string, { verdict: string; row: string }> {
  const lines = output.split('\n');
  const header = lines.findIndex((line) => /^step\s+expected\s+observed\s+ok$/.test(line));
  assert.ok(header >= 0, `a summary table in:\n${output}`);
  const rows = new Map<string, { verdict: string; row: string }>();
  let current: { verdict: string; row: string } | undefined;
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    if (/^\S/.test(line)) {
      const cells = line.split(/\s{2,}/);
      current = { verdict: cells.at(-1)!, row: line };
      rows.set(cells[0]!, current);
    } else if (current) {
      current.row += ` ${line.trim()}`;
    }
  }
  return rows;
}

/** Pids of processes whose command line or working directory mentions `dir`. */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(`${pid}: ${cmdline.slice(0, 160)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

async function assertNothingRunsIn(dir: string): Promise<void> {
  let left = processesUsing(dir);
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await sleep(100);
    left = processesUsing(dir);
  }
  assert.deepEqual(left, [], `processes left running in ${dir}`);
}

describe('agent-governor demo', () => {
  it('tells the whole story, every step holding, and leaves nothing running', {
    timeout: 300_000,
  }, async () => {
    const dir = join(scratch, 'run');
    const run = await agentGovernor(['demo', '--dir', dir], { timeoutMs: 280_000 });
    const rows = summaryRows(run.output);
    assert.deepEqual([...rows.keys()], STEPS, 'a row per step, in order');
    const notHeld = [...rows].filter(([, r]) => r.verdict !== 'yes').map(([, r]) => r.row);
    assert.deepEqual(notHeld, [], `every step held:\n${run.output}`);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /20 of 20 steps held/);
    assert.ok(!run.output.includes('\u001b['), 'no ANSI escapes when stdout is not a terminal');
    // What the story is about, as the narration tells it when each check held.
    const told = (step: string) => run.output.split('\n').find((line) => line.includes(`✔ ${step}: `)) ?? '';
    assert.match(told('budget 75 %'), /marketing → 200 gpt-4o-mini via openai-eu; support → 200 gpt-4o-mini/);
    assert.match(
      told('budget 100 %'),
      /marketing-agent 0 replicas, CronJob suspend=true, call 429 budget_exhausted/,
    );
    assert.match(told('budget 100 %'), /support-agent 2 replicas, call 200 gpt-4o-mini/);
    assert.match(
      told('experiment'),
      /16 conversations, 4 with a second turn in the same variant: control \d+ calls, mini \d+ calls; agent-governor experiments: mini /,
    );
    assert.match(
      told('gateway'),
      /support via the gateway → 200 gpt-4o via openai-eu.*x-governor-agent: marketing → 403 /,
    );
    assert.match(told('compression'), /^.*compression: [\d,]+ → [\d,]+ input tokens \(−\d+ %\); 200 /);
    assert.match(told('outage'), /answered by azure-sweden .*circuit openai-eu Open/);
    assert.match(
      told('residency'),
      /refused: webhook residency(-fail-open)?\.governor\.agents\.dev: .*api\.openai\.com.*demo-eu-only/,
    );
    assert.match(
      told('dataflow map'),
      /api\.openai\.com refused \(refused at admission: Deployment\/research-agent env OPENAI_BASE_URL/,
    );
    const report = /audit report: written to (\S+)/.exec(told('audit report'))?.[1] ?? '';
    assert.match(readFileSync(report, 'utf8'), /<nav aria-label="Contents">[\s\S]*Dataflow map[\s\S]*<svg/);
    assert.match(run.output, /torn down in/);
    await assertNothingRunsIn(dir);
  });

  it('with --keep leaves a usable demo that `cluster down` stops whole', { timeout: 300_000 }, async () => {
    const dir = join(scratch, 'kept');
    const run = await agentGovernor(['demo', '--keep', '--dir', dir], { timeoutMs: 280_000 });
    try {
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, new RegExp(`export KUBECONFIG=${dir}/kubeconfig`));
      assert.match(run.output, new RegExp(`agent-governor cluster down --dir ${dir}`));
      const support = /support\s+OPENAI_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(run.output)?.[1];
      assert.ok(support, `the support sidecar's URL in:\n${run.output}`);
      // The support agent is critical: with its budget exhausted it is answered on the cheaper model.
      const response = await fetch(`${support}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'Hello' }],
          max_tokens: 50,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { model: string }).model, 'gpt-4o-mini');
      // The cockpit runs too, asking for a token of the ServiceAccount the instructions name.
      const cockpit = /Open the cockpit[^\n]*\n\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output)?.[1];
      assert.ok(cockpit, `the cockpit's URL in:\n${run.output}`);
      assert.match(run.output, /kubectl create token cockpit-viewer -n governor-demo/);
      const page = await fetch(cockpit, { signal: AbortSignal.timeout(10_000) });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Kubernetes bearer token/);
    } finally {
      const down = await agentGovernor(['cluster', 'down', '--dir', dir], { timeoutMs: 60_000 });
      assert.equal(down.code, 0, down.output);
      assert.match(down.output, /operator/, 'cluster down names the demo processes it stopped');
    }
    await assertNothingRunsIn(dir);
  });

  it('tears everything down on Ctrl-C', { timeout: 180_000 }, async () => {
    const dir = join(scratch, 'interrupted');
    let interrupted = false;
    const run = await agentGovernor(['demo', '--dir', dir], {
      timeoutMs: 170_000,
      onOutput: (output, child) => {
        if (!interrupted && output.includes('▶ Start a real sidecar per agent')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(interrupted, `the demo reached the sidecars:\n${run.output}`);
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /SIGINT: stopping the demo/);
    assert.match(run.output, /not run: the demo was interrupted/);
    assert.match(run.output, /torn down in/);
    await assertNothingRunsIn(dir);
  });
});
