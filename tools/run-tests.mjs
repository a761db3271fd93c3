#!/usr/bin/env node
// Runs the test suites on the compiled tree (dist/) with Node's own test runner.
//   unit         every dist/**/*.test.js outside dist/e2e, on this Node and on Node 24 LTS
//   integration  dist/e2e/**/*.test.js against one shared real control plane, after making the
//                machine ready for them (tools/test-prerequisites.ts: the Go-built tools, Debian
//                packages such as prometheus for promtool)
//   all          both
// Ends with one line "N passed, N failed" summing every run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureNode24 } from './node24.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const mode = process.argv[2] ?? 'all';
if (!['unit', 'integration', 'all'].includes(mode)) {
  console.error(`run-tests: unknown suite "${mode}"; expected unit, integration or all`);
  process.exit(2);
}

function testFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

const all = testFiles(dist);
const isIntegration = (f) => relative(dist, f).startsWith(`e2e/`);
const totals = { passed: 0, failed: 0, skipped: 0 };
const scratch = mkdtempSync(join(tmpdir(), 'agent-governor-tests-'));

function runNodeTests(label, node, files, env = {}, extraArgs = []) {
  if (files.length === 0) return;
  console.log(
    `\n=== ${label}: ${files.length} file(s) on ${node === process.execPath ? `node ${process.version}` : node} ===`,
  );
  const tap = join(scratch, `${label.replace(/\W+/g, '-')}.tap`);
  const result = spawnSync(
    node,
    [
      '--test',
      ...extraArgs,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, ...env }, cwd: root },
  );
  const text = readFileSync(tap, 'utf8');
  const count = (key) => Number([...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))].pop()?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  totals.passed += passed;
  totals.failed += failed + (result.status !== 0 && failed === 0 ? 1 : 0);
  totals.skipped += count('skipped') + count('todo');
}

/**
 * Makes the machine ready for the integration suites. When it cannot (a package is missing and this
 * process may not install it), it says what to run and counts as one failure: no suite runs.
 */
async function prerequisitesReady() {
  const { ensureTestPrerequisites } = await import(join(dist, 'tools', 'test-prerequisites.js'));
  console.log('\n=== test prerequisites ===');
  try {
    ensureTestPrerequisites({ root });
    return true;
  } catch (err) {
    console.error(`test prerequisites: ${err.message}`);
    totals.failed += 1;
    return false;
  }
}

try {
  if (mode !== 'integration') {
    const unit = all.filter((f) => !isIntegration(f));
    runNodeTests('unit tests', process.execPath, unit);
    const node24 = await ensureNode24();
    runNodeTests('unit tests (Node 24 LTS)', node24, unit);
  }
  if (mode !== 'unit' && (await prerequisitesReady())) {
    const { withSharedCluster } = await import(join(dist, 'testing', 'shared-cluster.js'));
    await withSharedCluster(async (env) => {
      runNodeTests('integration tests', process.execPath, all.filter(isIntegration), env, [
        '--test-concurrency=1',
      ]);
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
