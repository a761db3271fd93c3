import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { clusterLayout } from './cluster-layout.js';
import { type ClusterState, readClusterState, writeClusterState } from './cluster-state.js';

const dir = mkdtempSync(join(tmpdir(), 'cluster-state-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const layout = clusterLayout(dir);

const state: ClusterState = {
  version: 1,
  phase: 'starting',
  launcher: { name: 'launcher', pid: 10, executable: '/usr/bin/node' },
  server: 'https://127.0.0.1:6443',
  kubeconfig: join(dir, 'kubeconfig'),
  binDir: '/bin',
  ports: { etcdClient: 1, etcdPeer: 2, apiServer: 6443, controllerManager: 3 },
  processes: [{ name: 'etcd', pid: 11, executable: '/bin/etcd' }],
  startedAt: '2026-01-01T00:00:00.000Z',
};

describe('cluster state file', () => {
  it('is absent until written, then reads back as written, without a temporary file left', () => {
    assert.equal(readClusterState(layout), undefined);
    writeClusterState(layout, state);
    assert.deepEqual(readClusterState(layout), state);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });

  it('names the file and the field when it is not a cluster state', () => {
    writeFileSync(layout.state, JSON.stringify({ ...state, ports: { apiServer: 'x' } }));
    assert.throws(
      () => readClusterState(layout),
      new RegExp(`${layout.state} is not an agent-governor cluster state: ports`),
    );
    writeFileSync(layout.state, '{ half');
    assert.throws(() => readClusterState(layout), /is not JSON .*remove it if no cluster runs there/);
  });
});
