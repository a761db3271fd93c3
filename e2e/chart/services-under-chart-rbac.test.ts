// `agent-governor services` with exactly the chart's `services:` RBAC (docs/adr/0061): its
// ServiceAccount, ClusterRole and binding as rendered applied to the real API server, the
// container's own arguments from the rendered Deployment, a TokenRequest token of that
// ServiceAccount as its only identity and loopback ports. It becomes ready (the mirror and workload
// caches list), serves a mirrored policy, records usage in a new ledger and then updates it — and
// nothing it does is refused (no 403 in its log).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { policyConfigMap } from '../../agents/policy-config-map.js';
import { USAGE_PATH } from '../../apis/sidecar-protocol.js';
import { configMaps, deployments } from '../../runtime/kube/resources.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import { agentDeployment } from '../../testing/budget-fixture.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import {
  agentToken,
  call,
  eventually,
  type ServicesEnv,
  servicesEnv,
  uniqueNamespace,
  usageBatchOf,
} from '../../testing/services-fixture.js';
import { writeLoopbackCertificate } from '../../testing/services-replica.js';
import { findObject, type Manifest, renderChart } from '../../tools/chart-rendering.js';
import { serviceAccountKubeconfig } from './chart-release.js';

const SERVICES = 'agent-governor-services';
const releaseNs = uniqueNamespace('services-rbac');
const agentsNs = uniqueNamespace('services-rbac-agents');
/** Cluster-scoped names made unique: the suites share one cluster. */
const roleName = `${SERVICES}-${releaseNs}`;
const dir = mkdtempSync(join(tmpdir(), 'services-rbac-'));

let env: ServicesEnv;
let replica: CliProcess | undefined;
let url = '';
let healthUrl = '';
let trusting: Agent;
let token: string;

before(async () => {
  env = await servicesEnv();
  const objects = await renderChart({ namespace: releaseNs, values: { services: { enabled: true } } });
  const account = findObject(objects, 'ServiceAccount', SERVICES);
  const role: Manifest = { ...findObject(objects, 'ClusterRole', SERVICES) };
  role['metadata'] = { ...role['metadata'], name: roleName };
  const binding: Manifest = { ...findObject(objects, 'ClusterRoleBinding', SERVICES) };
  binding['metadata'] = { ...binding['metadata'], name: roleName };
  binding['roleRef'] = { ...binding['roleRef'], name: roleName };
  await env.cluster.kubectl(['create', 'namespace', releaseNs], { check: true });
  await env.cluster.kubectl(['apply', '-f', '-'], {
    check: true,
    input: [account, role, binding].map((o) => stringify(o)).join('---\n'),
  });
  trusting = new Agent({ connections: 4, connect: { ca: await writeLoopbackCertificate(dir) } });
  token = await agentToken(env.cluster, agentsNs);
  await env.client.create(
    deployments,
    agentDeployment(agentsNs, 'support', { replicas: 0, labels: {}, serviceAccountName: 'agent' }) as never,
  );
  await env.client.create(
    configMaps,
    policyConfigMap({ ...policyFor(agentsNs, 'support'), version: '1000' }),
  );
  const kubeconfig = await serviceAccountKubeconfig(
    env.cluster.kubectl,
    env.cluster.kubeconfig,
    { namespace: releaseNs, name: SERVICES },
    join(dir, 'services.kubeconfig'),
  );
  const args: string[] = findObject(objects, 'Deployment', SERVICES).spec.template.spec.containers[0].args;
  // The chart's flags first; then what differs outside a pod (later flags win).
  replica = await startCliProcess(
    [
      ...args,
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      releaseNs,
      '--bind-address',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--health-port',
      '0',
      '--cert-dir',
      dir,
    ],
    /serving sidecars at (https:\/\/\S+) .* probes (http:\/\/\S+)\/healthz/,
    { timeoutMs: 60_000 },
  );
  url = replica.ready[1] ?? '';
  healthUrl = replica.ready[2] ?? '';
});

after(async () => {
  await replica?.stop('SIGKILL');
  await trusting?.close();
  rmSync(dir, { recursive: true, force: true });
  await env?.cluster.kubectl(['delete', 'clusterrolebinding,clusterrole', roleName, '--ignore-not-found']);
  await env?.cluster.kubectl(['delete', 'namespace', releaseNs, agentsNs, '--wait=false']);
});

describe('agent-governor services under the chart’s RBAC', { timeout: 180_000 }, () => {
  it('becomes ready: its caches of mirrors and workloads list', async () => {
    await eventually(
      async () => (await request(`${healthUrl}/readyz`)).statusCode,
      (status) => status === 200,
      'the services to be ready',
      60_000,
    );
  });

  it('serves the mirrored policy and records usage in a new ledger, then updates it', async () => {
    const policy = await eventually(
      () => call(`${url}/v1/policies/${agentsNs}/support`, { token, dispatcher: trusting }),
      (answer) => answer.status === 200,
      'the mirrored policy',
    );
    assert.equal(policy.json<{ version: string }>().version, '1000');
    for (const sequence of [1, 2]) {
      const ack = await call(`${url}${USAGE_PATH}`, {
        token,
        dispatcher: trusting,
        body: usageBatchOf(agentsNs, 'support', 'pod-1', sequence),
      });
      assert.equal(ack.status, 200, ack.body);
    }
    const ledger = await env.client.get(agentUsageLedgers, { namespace: agentsNs, name: 'support' });
    assert.equal(ledger?.spec.totals.requests, 2);
  });

  it('was refused nothing', () => {
    const refused = (replica?.output() ?? '').split('\n').filter((line) => /\b403\b|forbidden/i.test(line));
    assert.deepEqual(refused, []);
  });
});
