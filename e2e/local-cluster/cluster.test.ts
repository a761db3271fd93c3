// `agent-governor cluster up|down|status` end to end, through the real CLI and the real binaries.
// These tests start their own clusters in temporary directories, never the shared one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { locateBinaries } from '../../local-cluster/binaries.js';
import { ClusterError, clusterDown, clusterStatus, clusterUp } from '../../local-cluster/cluster.js';
import type { ClusterState } from '../../local-cluster/cluster-state.js';
import { isPortFree } from '../../local-cluster/free-port.js';
import { isProcessRunning } from '../../local-cluster/process-liveness.js';
import { kubectlFor } from '../../testing/kubectl.js';

const packageRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cli = join(packageRoot, 'bin', 'agent-governor.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'cluster-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

async function agentGovernor(...args: string[]): Promise<Run> {
  const began = Date.now();
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr, ms: Date.now() - began };
}

const readState = (dir: string): ClusterState => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what} not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

describe('agent-governor cluster up|status|down', () => {
  const dir = join(scratch, 'cli');
  after(() => clusterDown({ dir }));
  const kubectl = () => kubectlFor(join(readState(dir).binDir, 'kubectl'), join(dir, 'kubeconfig'));

  it('up starts a control plane whose /readyz answers ok and says how to use it', async (t) => {
    const up = await agentGovernor('cluster', 'up', '--dir', dir);
    assert.equal(up.code, 0, up.stderr);
    t.diagnostic(`cluster up (warm binaries) took ${seconds(up.ms)}`);
    assert.match(up.stdout, new RegExp(`export KUBECONFIG=${join(dir, 'kubeconfig')}`));
    assert.match(up.stdout, /\/kubectl --kubeconfig \S+\/kubeconfig get --raw \/readyz/);
    assert.match(up.stderr, /kube-controller-manager ready/);
    const readyz = await kubectl()(['get', '--raw', '/readyz'], { check: true });
    assert.equal(readyz.stdout.trim(), 'ok');
  });

  it('up again refuses, naming the directory and kubeconfig, and changes nothing', async () => {
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    const again = await agentGovernor('cluster', 'up', '--dir', dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`already running in ${dir}`));
    assert.match(again.stderr, new RegExp(`--kubeconfig ${join(dir, 'kubeconfig')}`));
    assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), before);
  });

  it('status reports the processes and a ready API server', async () => {
    const status = await agentGovernor('cluster', 'status', '--dir', dir);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /cluster running in .* ready/);
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
      assert.match(status.stdout, new RegExp(`${name}\\s+pid \\d+\\s+running`));
    }
  });

  it('the controller manager turns a Deployment into Pods (Pending: no scheduler, no kubelet)', async () => {
    const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: echo, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: echo } }
  template:
    metadata: { labels: { app: echo } }
    spec: { containers: [{ name: echo, image: registry.invalid/echo:1 }] }
`;
    await kubectl()(['apply', '-f', '-'], { input: manifest, check: true });
    const pods = await waitFor('2 Pods of the Deployment', async () => {
      const { stdout } = await kubectl()(
        ['get', 'pods', '-n', 'default', '-l', 'app=echo', '-o', 'jsonpath={.items[*].status.phase}'],
        { check: true },
      );
      const phases = stdout.split(' ').filter(Boolean);
      return phases.length === 2 ? phases : undefined;
    });
    assert.deepEqual(pods, ['Pending', 'Pending']);
    // The ServiceAccount admission plugin and the token controller ran: the Pods mount a token.
    const { stdout } = await kubectl()(
      [
        'get',
        'pods',
        '-n',
        'default',
        '-l',
        'app=echo',
        '-o',
        'jsonpath={.items[0].spec.serviceAccountName}',
      ],
      { check: true },
    );
    assert.equal(stdout, 'default');
  });

  it('up after a SIGKILLed kube-apiserver cleans up the leftovers and starts afresh', async (t) => {
    const killed = readState(dir);
    const apiServer = killed.processes.find((p) => p.name === 'kube-apiserver')!;
    process.kill(apiServer.pid, 'SIGKILL');
    await waitFor('kube-apiserver gone', () => (isProcessRunning(apiServer) ? undefined : true), 5_000);

    const status = await agentGovernor('cluster', 'status', '--dir', dir);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /leftovers of a cluster .* kube-apiserver \(pid \d+\) is not running/);

    const up = await agentGovernor('cluster', 'up', '--dir', dir);
    assert.equal(up.code, 0, up.stderr);
    t.diagnostic(`cluster up after cleaning leftovers took ${seconds(up.ms)}`);
    assert.match(
      up.stderr,
      /found leftovers of an earlier cluster .* kube-apiserver \(pid \d+\) is not running/,
    );
    assert.match(
      up.stderr,
      /Stopped the survivors \(kube-controller-manager \(pid \d+\), etcd \(pid \d+\)\)/,
    );
    for (const old of killed.processes) assert.equal(isProcessRunning(old), false, `${old.name} survived`);
    const readyz = await kubectl()(['get', '--raw', '/readyz'], { check: true });
    assert.equal(readyz.stdout.trim(), 'ok');
    // Fresh data: the Deployment of the earlier run is gone with its etcd.
    const { stdout } = await kubectl()(['get', 'deployments', '-n', 'default', '-o', 'name'], {
      check: true,
    });
    assert.equal(stdout.trim(), '');
  });

  it('down stops every process and frees every port; down again says there is nothing to stop', async (t) => {
    const running = readState(dir);
    const down = await agentGovernor('cluster', 'down', '--dir', dir);
    assert.equal(down.code, 0, down.stderr);
    t.diagnostic(`cluster down took ${seconds(down.ms)}`);
    assert.match(down.stdout, /is down: stopped /);
    for (const process_ of running.processes) {
      assert.equal(isProcessRunning(process_), false, `${process_.name} (pid ${process_.pid}) still runs`);
    }
    for (const [name, port] of Object.entries(running.ports)) {
      assert.ok(await isPortFree(port), `${name} port ${port} still held`);
    }
    assert.equal(existsSync(join(dir, 'state.json')), false);
    assert.equal(existsSync(join(dir, 'etcd')), false);
    assert.ok(existsSync(join(dir, 'logs', 'kube-apiserver.log')), 'logs are kept');

    const again = await agentGovernor('cluster', 'down', '--dir', dir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /no cluster in .* \(nothing to stop\)/);
    const status = await agentGovernor('cluster', 'status', '--dir', dir);
    assert.equal(status.code, 3);
  });

  it('up refuses a directory holding files that are not a cluster’s', async () => {
    const notOurs = join(scratch, 'project');
    mkdirSync(notOurs);
    writeFileSync(join(notOurs, 'notes.txt'), 'keep me');
    const up = await agentGovernor('cluster', 'up', '--dir', notOurs);
    assert.equal(up.code, 1);
    assert.match(
      up.stderr,
      /project holds files that are not a cluster's \(notes\.txt\); choose a new or empty/,
    );
    assert.deepEqual(readdirSync(notOurs), ['notes.txt']);
  });
});

describe('owner watch', () => {
  it('tears a cluster down and removes its scratch directory once its owner dies, even by SIGKILL', async () => {
    const dir = join(scratch, 'owned');
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    after(async () => {
      owner.kill('SIGKILL');
      await clusterDown({ dir });
    });
    const binaries = await locateBinaries();
    const info = await clusterUp({
      dir,
      ownerPid: owner.pid!,
      removeDirWithOwner: true,
      binDir: binaries.dir,
    });
    const state = readState(dir);
    assert.ok(state.watcher && isProcessRunning(state.watcher), 'owner watch runs');
    owner.kill('SIGKILL');
    await waitFor(
      'cluster down and its directory removed',
      () => (existsSync(dir) ? undefined : true),
      20_000,
    );
    for (const process_ of [...state.processes, state.watcher!]) {
      await waitFor(`${process_.name} gone`, () => (isProcessRunning(process_) ? undefined : true), 5_000);
    }
    for (const port of Object.values(info.ports))
      assert.ok(await isPortFree(port), `port ${port} still held`);
  });
});

describe('a failed start', () => {
  it('stops what it started, explains with the end of the failing log, and keeps the logs', async () => {
    const dir = join(scratch, 'failing');
    const real = await locateBinaries();
    const binDir = join(scratch, 'broken-bin');
    mkdirSync(binDir);
    for (const name of ['etcd', 'kube-controller-manager', 'kubectl'])
      symlinkSync(join(real.dir, name), join(binDir, name));
    writeFileSync(
      join(binDir, 'kube-apiserver'),
      '#!/bin/sh\necho "Error: unknown flag: --made-up" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    after(() => clusterDown({ dir }));
    const failure = await clusterUp({ dir, binDir }).then(
      () => assert.fail('up succeeded with a broken kube-apiserver'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof ClusterError);
    assert.equal(failure.reason, 'start-failed');
    assert.match(failure.message, /kube-apiserver \(pid \d+\) exited with code 1/);
    assert.match(failure.message, /\| Error: unknown flag: --made-up/);
    assert.match(failure.message, /Everything started was stopped again; the logs are in .*failing\/logs/);
    assert.deepEqual(readdirSync(dir), ['logs']);
    assert.equal((await clusterStatus({ dir })).condition, 'absent');
  });
});
