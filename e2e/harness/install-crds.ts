// Installs the generated CRDs (crds/) into a test cluster and waits until they are Established.
import { join } from 'node:path';
import { GROUP } from '../../apis/group-version.js';
import { KINDS } from '../../apis/kinds.js';
import { REPO_ROOT } from '../../apis/testdata/repo-files.js';
import type { TestCluster } from './test-cluster.js';

export async function installCrds(cluster: TestCluster): Promise<void> {
  await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(REPO_ROOT, 'crds')], {
    check: true,
  });
  const names = KINDS.map((k) => `crd/${k.plural}.${GROUP}`);
  await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names], { check: true });
}
