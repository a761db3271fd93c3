// In a pod the operator authenticates as its ServiceAccount: the API server address from the
// service environment variables, the projected token and CA from the mounted directory. Here a
// real ServiceAccount token with a Role that only allows Leases runs the operator: it is elected
// leader, and anything its RBAC does not allow is refused with a message naming the request.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient } from '../../runtime/kube/kube-client.js';
import { resolveConnection } from '../../runtime/kube/kube-connection.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { configMaps, leases } from '../../runtime/kube/resources.js';
import { type Operator, startOperator } from '../../runtime/manager/operator-runtime.js';
import { eventually } from '../../testing/eventually.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

describe('running as a ServiceAccount, as in a pod', { timeout: 60_000 }, () => {
  let cluster: TestCluster;
  let dir: string;
  let operator: Operator | undefined;
  const namespace = `sa-${randomBytes(3).toString('hex')}`;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    cluster = await testCluster();
    const rbac = `
apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: agent-governor, namespace: ${namespace} }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: leader-election, namespace: ${namespace} }
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, list, watch, create, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: leader-election, namespace: ${namespace} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: leader-election }
subjects: [{ kind: ServiceAccount, name: agent-governor, namespace: ${namespace} }]
`;
    await cluster.kubectl(['apply', '-f', '-'], { input: rbac, check: true });
    const token = await cluster.kubectl(
      ['create', 'token', 'agent-governor', '-n', namespace, '--duration=10m'],
      {
        check: true,
      },
    );
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-sa-'));
    const admin = kubeconfigConnection(cluster.kubeconfig);
    writeFileSync(join(dir, 'token'), token.stdout.trim());
    writeFileSync(join(dir, 'ca.crt'), admin.tls.ca ?? '');
    writeFileSync(join(dir, 'namespace'), namespace);
    const server = new URL(admin.server);
    env = { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port };
  });

  after(async () => {
    await operator?.stop();
    await cluster?.kubectl(['delete', 'namespace', namespace, '--wait=false']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('picks the ServiceAccount when KUBERNETES_SERVICE_HOST is set and no kubeconfig is given', async () => {
    const connection = await resolveConnection({ env, serviceAccountDir: dir });
    assert.equal(connection.namespace, namespace, 'its own namespace comes from the mounted file');
    assert.match(connection.source, /^in-cluster ServiceAccount \(https:\/\/127\.0\.0\.1:\d+\)$/);
    operator = await startOperator({
      connection,
      namespace: connection.namespace,
      identity: 'in-pod',
      leaderElection: { leaseName: 'agent-governor-leader' },
      metrics: false,
      health: false,
      log: pino({ level: 'silent' }),
    });
    await eventually('leadership', () => (operator?.isLeader() ? true : undefined), { timeoutMs: 20_000 });
    const lease = await operator.client.get(leases, { namespace, name: 'agent-governor-leader' });
    assert.equal(lease?.spec?.holderIdentity, 'in-pod');
  });

  it('is refused what its RBAC does not allow, with the request named', async () => {
    const connection = await resolveConnection({ env, serviceAccountDir: dir });
    const transport = new ApiTransport(connection);
    try {
      await assert.rejects(
        createKubeClient(transport).list(configMaps, { namespace: 'kube-system' }),
        (err: Error) => {
          assert.match(
            err.message,
            new RegExp(
              `^list configmaps in kube-system: 403 Forbidden: .*system:serviceaccount:${namespace}:agent-governor`,
            ),
          );
          return true;
        },
      );
    } finally {
      await transport.close();
    }
  });

  it('explains a missing ServiceAccount mount', async () => {
    await assert.rejects(
      resolveConnection({ env, serviceAccountDir: join(dir, 'missing') }),
      /in a pod but cannot read the ServiceAccount CA certificate .*missing\/ca.crt .*automountServiceAccountToken/,
    );
  });
});
