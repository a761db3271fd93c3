// The services plugged into the operator runtime (startOperator with sidecarServicesService):
// they serve while the process leads (to the agent's own ServiceAccount), and stop with it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { UsageAck } from '../../apis/usage-batch.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { deployments } from '../../runtime/kube/resources.js';
import { type Operator, startOperator } from '../../runtime/manager/operator-runtime.js';
import { PolicyStore } from '../../sidecar-services/policy-store.js';
import type { SidecarServices } from '../../sidecar-services/sidecar-services.js';
import { sidecarServicesService } from '../../sidecar-services/sidecar-services-service.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import { agentDeployment } from '../../testing/budget-fixture.js';
import {
  agentToken,
  call,
  eventually,
  type ServicesEnv,
  servicesEnv,
  uniqueNamespace,
  usageBatchOf,
} from '../../testing/services-fixture.js';

let env: ServicesEnv;
const namespace = uniqueNamespace('plugged');
let token: string;

before(async () => {
  env = await servicesEnv();
  token = await agentToken(env.cluster, namespace);
  // The agent runs as the token's ServiceAccount: the services serve an agent only to those.
  await env.client.create(
    deployments,
    agentDeployment(namespace, 'support', { replicas: 0, labels: {}, serviceAccountName: 'agent' }) as never,
  );
});
after(async () => {
  await env?.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

describe('sidecar services in the operator process', () => {
  it('serve policy and usage while the operator leads, and stop with it', async () => {
    const store = new PolicyStore();
    const recorded: string[] = [];
    let services: SidecarServices | undefined;
    const operator: Operator = await startOperator({
      connection: kubeconfigConnection(env.cluster.kubeconfig),
      namespace,
      leaderElection: false,
      metrics: false,
      health: false,
      log: pino({ level: 'silent' }),
      services: [
        sidecarServicesService({
          host: '127.0.0.1',
          port: 0,
          store,
          onUsageRecorded: (ns, agent) => recorded.push(`${ns}/${agent}`),
          onListening: (started) => {
            services = started;
          },
        }),
      ],
    });
    try {
      assert.deepEqual(operator.services, ['sidecar-services']);
      const running = await eventually(
        async () => services,
        (s) => s !== undefined,
        'the services to listen',
      );
      const url = running?.url ?? '';
      store.publish(namespace, 'support', policyFor(namespace, 'support'));
      assert.equal((await call(`${url}/v1/policies/${namespace}/support`, { token })).status, 200);
      const ack = await call(`${url}${USAGE_PATH}`, {
        token,
        body: usageBatchOf(namespace, 'support', 'pod-1', 1),
      });
      assert.equal(ack.status, 200, ack.body);
      assert.equal(ack.json<UsageAck>().acknowledgedSequence, 1);
      assert.deepEqual(recorded, [`${namespace}/support`]);
      const metrics = await operator.metrics.registry
        .getSingleMetric('governor_operator_sidecar_usage_batches_total')
        ?.get();
      assert.equal(metrics?.values.find((v) => v.labels['result'] === 'recorded')?.value, 1);
      await operator.stop('test over');
      await assert.rejects(call(`${url}/v1/policies/${namespace}/support`, { token }), /ECONNREFUSED/);
    } finally {
      await operator.stop('test over');
    }
  });
});
