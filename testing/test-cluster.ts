// The cluster an integration test file talks to: the shared one when tools/run-tests.mjs runs
// the suite, otherwise one started for this process (so `node --test dist/e2e/x.test.js` works on
// its own) and stopped when the process ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDown, clusterUp } from '../local-cluster/cluster.js';
import { type Kubectl, kubectlFor } from './kubectl.js';
import type { SharedClusterEnv } from './shared-cluster.js';
import { teardownOnExit } from './teardown-on-exit.js';

export type { Kubectl, KubectlOptions, KubectlResult } from './kubectl.js';

export interface TestCluster {
  /** Cluster-admin kubeconfig; pass it explicitly (tests never rely on $KUBECONFIG). */
  kubeconfig: string;
  /** Directory of the control-plane binaries, kubectl among them. */
  binDir: string;
  /** Runs the built kubectl with --kubeconfig of this cluster. */
  kubectl: Kubectl;
}

let cluster: Promise<TestCluster> | undefined;

/** The shared cluster from the environment, else this process's own (started on first call). */
export function testCluster(): Promise<TestCluster> {
  cluster ??= resolveCluster();
  return cluster;
}

async function resolveCluster(): Promise<TestCluster> {
  return sharedFromEnv(process.env) ?? (await startOwn());
}

function sharedFromEnv(env: NodeJS.ProcessEnv): TestCluster | undefined {
  const kubeconfig = env['AGENT_GOVERNOR_TEST_KUBECONFIG' satisfies keyof SharedClusterEnv];
  const binDir = env['AGENT_GOVERNOR_TEST_BIN_DIR' satisfies keyof SharedClusterEnv];
  if (!kubeconfig && !binDir) return undefined;
  if (!kubeconfig || !binDir) {
    throw new Error(
      'set both AGENT_GOVERNOR_TEST_KUBECONFIG and AGENT_GOVERNOR_TEST_BIN_DIR (tools/run-tests.mjs does), ' +
        'or neither to let the test start its own cluster',
    );
  }
  return { kubeconfig, binDir, kubectl: kubectlFor(join(binDir, 'kubectl'), kubeconfig) };
}

async function startOwn(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-governor-cluster-'));
  teardownOnExit(async () => {
    await clusterDown({ dir });
    rmSync(dir, { recursive: true, force: true });
  });
  const info = await clusterUp({
    dir,
    ownerPid: process.pid,
    removeDirWithOwner: true,
    log: (line) => console.error(`[test cluster] ${line}`),
  });
  return {
    kubeconfig: info.kubeconfig,
    binDir: info.binDir,
    kubectl: kubectlFor(info.kubectl, info.kubeconfig),
  };
}
