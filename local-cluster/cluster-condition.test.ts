import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessCluster, describe as describeProcesses } from './cluster-condition.js';
import type { ClusterState, ProcessRecord } from './cluster-state.js';

const record = (name: string, pid: number): ProcessRecord => ({ name, pid, executable: `/bin/${name}` });
const etcd = record('etcd', 11);
const apiServer = record('kube-apiserver', 12);
const controllerManager = record('kube-controller-manager', 13);
const launcher = record('launcher', 10);
const watcher = record('owner-watch', 14);

function state(overrides: Partial<ClusterState> = {}): ClusterState {
  return {
    version: 1,
    phase: 'running',
    launcher,
    server: 'https://127.0.0.1:6443',
    kubeconfig: '/c/kubeconfig',
    binDir: '/bin',
    ports: { etcdClient: 1, etcdPeer: 2, apiServer: 6443, controllerManager: 3 },
    processes: [etcd, apiServer, controllerManager],
    startedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const runningPids =
  (...pids: number[]) =>
  (process_: ProcessRecord) =>
    pids.includes(process_.pid);

describe('assessCluster', () => {
  it('is absent without a state', () => {
    assert.deepEqual(assessCluster(undefined, runningPids()), { kind: 'absent' });
  });

  it('runs when every component runs, whatever became of the launcher', () => {
    assert.equal(assessCluster(state(), runningPids(11, 12, 13)).kind, 'running');
  });

  it('is starting while the launcher of a starting cluster runs', () => {
    const starting = state({ phase: 'starting', processes: [etcd] });
    assert.equal(assessCluster(starting, runningPids(10, 11)).kind, 'starting');
  });

  const staleCases: {
    name: string;
    state: ClusterState;
    running: number[];
    alive: number[];
    reason: RegExp;
  }[] = [
    {
      name: 'a killed API server leaves etcd and the controller manager half alive',
      state: state(),
      running: [11, 13],
      alive: [11, 13],
      reason: /kube-apiserver \(pid 12\) is not running/,
    },
    {
      name: 'nothing left running (e.g. after a reboot)',
      state: state(),
      running: [],
      alive: [],
      reason:
        /etcd \(pid 11\), kube-apiserver \(pid 12\), kube-controller-manager \(pid 13\) are not running/,
    },
    {
      name: 'a launcher killed half way through',
      state: state({ phase: 'starting', processes: [etcd, apiServer] }),
      running: [11, 12],
      alive: [11, 12],
      reason: /launcher \(pid 10\) stopped before the cluster was ready/,
    },
    {
      name: 'a dead component with its owner watch still running',
      state: state({ watcher }),
      running: [11, 12, 14],
      alive: [11, 12, 14],
      reason: /kube-controller-manager \(pid 13\) is not running/,
    },
  ];
  for (const testCase of staleCases) {
    it(`is stale when ${testCase.name}`, () => {
      const condition = assessCluster(testCase.state, runningPids(...testCase.running));
      assert.equal(condition.kind, 'stale');
      if (condition.kind !== 'stale') return;
      assert.deepEqual(
        condition.alive.map((process_) => process_.pid),
        testCase.alive,
      );
      assert.match(condition.reason, testCase.reason);
    });
  }
});

describe('describe', () => {
  it('names processes with their pids', () => {
    assert.equal(describeProcesses([etcd, apiServer]), 'etcd (pid 11), kube-apiserver (pid 12)');
    assert.equal(describeProcesses([]), 'none');
  });
});
