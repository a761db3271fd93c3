// A person who may read one namespace in the cockpit: ServiceAccount `viewer` with a Role that may
// get and list TokenBudgets there (what the cockpit's SubjectAccessReview asks), and a token of it.
import type { TestCluster } from './test-cluster.js';

export async function budgetViewerToken(cluster: TestCluster, namespace: string): Promise<string> {
  const kubectl = (args: string[]) => cluster.kubectl(args, { check: true });
  await kubectl(['create', 'serviceaccount', 'viewer', '-n', namespace]);
  await kubectl([
    'create',
    'role',
    'budget-viewer',
    '-n',
    namespace,
    '--verb=get,list',
    '--resource=tokenbudgets.governor.agents.dev',
  ]);
  await kubectl([
    'create',
    'rolebinding',
    'budget-viewer',
    '-n',
    namespace,
    '--role=budget-viewer',
    `--serviceaccount=${namespace}:viewer`,
  ]);
  return (await kubectl(['create', 'token', 'viewer', '-n', namespace, '--duration', '1h'])).stdout.trim();
}
