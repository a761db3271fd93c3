// One control plane for the whole integration run: tools/run-tests.mjs starts it, hands its
// coordinates to the test processes through the environment, and tears it down afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDown, clusterUp } from '../local-cluster/cluster.js';
import { teardownOnExit } from './teardown-on-exit.js';

/** Environment a test process finds the shared cluster by (read by testCluster()). */
export interface SharedClusterEnv {
  /** Cluster-admin kubeconfig of the shared cluster. */
  AGENT_GOVERNOR_TEST_KUBECONFIG: string;
  /** Directory of the control-plane binaries (kubectl, kube-apiserver, …) the cluster runs. */
  AGENT_GOVERNOR_TEST_BIN_DIR: string;
}

/**
 * Starts a cluster in a temporary directory, runs fn with the environment that points test
 * processes at it, and always stops it and removes the directory, also on SIGINT/SIGTERM and (via
 * the owner watch) when this process is killed.
 */
export async function withSharedCluster<T>(fn: (env: SharedClusterEnv) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-governor-cluster-'));
  const teardown = async () => {
    const began = Date.now();
    await clusterDown({ dir });
    rmSync(dir, { recursive: true, force: true });
    console.error(`[shared cluster] down in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  };
  const guard = teardownOnExit(teardown);
  try {
    const info = await clusterUp({
      dir,
      ownerPid: process.pid,
      removeDirWithOwner: true,
      log: (line) => console.error(`[shared cluster] ${line}`),
    });
    console.error(
      `[shared cluster] up in ${(info.startupMs / 1000).toFixed(1)} s at ${info.server} (${dir})`,
    );
    return await fn({
      AGENT_GOVERNOR_TEST_KUBECONFIG: info.kubeconfig,
      AGENT_GOVERNOR_TEST_BIN_DIR: info.binDir,
    });
  } finally {
    guard.dispose();
    await teardown();
  }
}
