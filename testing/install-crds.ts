// Installs the generated CRDs (crds/) into a test cluster and waits until they are Established.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GROUP } from '../apis/group-version.js';
import { KINDS } from '../apis/kinds.js';
import { REPO_ROOT } from './repo-files.js';
import type { TestCluster } from './test-cluster.js';

export async function installCrds(cluster: TestCluster): Promise<void> {
  await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(REPO_ROOT, 'crds')], {
    check: true,
  });
  const names = KINDS.map((k) => `crd/${k.plural}.${GROUP}`);
  // Right after creation a CRD may have no status yet, and `kubectl wait` then fails at once
  // ("accessor error") instead of waiting: try again for a while.
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=30s', ...names]);
    if (result.code === 0) return;
    last = result.stderr.trim();
    await sleep(250);
  }
  throw new Error(`CRDs did not become Established: ${last}`);
}
