// `agent-governor operator` re-executes itself with OPERATOR_NODE_FLAGS and the lean malloc
// settings where Node can (process.execve: Node 22.15 and later, the image's Node 24), and says
// so where it cannot. Runs on both Nodes of the unit suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../testing/repo-files.js';
import { OPERATOR_NODE_FLAGS } from './node-flags.js';

const dir = mkdtempSync(join(tmpdir(), 'operator-relaunch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// An API server that refuses connections: the operator starts, then retries its lists.
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
    'users: [{name: u, user: {token: x}}]',
    'contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]',
    'current-context: c',
  ].join('\n'),
);

const canReexec = typeof (process as { execve?: unknown }).execve === 'function';

describe('agent-governor operator on this Node', { timeout: 30_000 }, () => {
  it(
    canReexec
      ? 'becomes the same process with its V8 flags and malloc settings'
      : 'runs as it is and says it cannot re-exec itself with its flags',
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of [
        'NODE_OPTIONS',
        'MALLOC_ARENA_MAX',
        'MALLOC_MMAP_THRESHOLD_',
        'MALLOC_TRIM_THRESHOLD_',
      ])
        delete env[name];
      const child = spawn(
        process.execPath,
        [
          join(REPO_ROOT, 'bin', 'agent-governor.mjs'),
          'operator',
          '--kubeconfig',
          kubeconfig,
          '--log-level',
          'info',
          '--no-leader-elect',
          '--no-sidecar-services',
          '--metrics-port',
          '0',
          '--health-port',
          '0',
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      try {
        // Started: it logs its list failures against the refusing API server.
        const deadline = Date.now() + 20_000;
        while (!/list\/watch of .* failed/.test(output)) {
          assert.ok(child.exitCode === null, `the operator exited ${child.exitCode}:\n${output}`);
          assert.ok(Date.now() < deadline, `the operator did not start in 20 s:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
        const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
        if (canReexec) {
          assert.deepEqual(argv.slice(1, 1 + OPERATOR_NODE_FLAGS.length), [...OPERATOR_NODE_FLAGS]);
          assert.ok(environ.includes('MALLOC_ARENA_MAX=2'), environ.join(' '));
          assert.ok(environ.includes('MALLOC_MMAP_THRESHOLD_=131072'));
          assert.doesNotMatch(output, /cannot re-exec/);
        } else {
          assert.ok(!argv.some((arg) => OPERATOR_NODE_FLAGS.includes(arg)), argv.join(' '));
          assert.match(output, /cannot re-exec itself with --max-semi-space-size=2/);
        }
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
