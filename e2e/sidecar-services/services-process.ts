// The sidecar services as an operator process would run them, for the suite that kills the
// process (SIGKILL) mid-stream: `node services-process.js KUBECONFIG PORT [POLICY_FILE]`. It
// restores its store from the ConfigMap mirrors, publishes the policy file when given one, and
// prints `listening <port>` once it serves.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { PolicyStore } from '../../sidecar-services/policy-store.js';
import { startSidecarServices } from '../../sidecar-services/sidecar-services.js';

const [kubeconfig, port, policyFile] = process.argv.slice(2);
if (!kubeconfig || port === undefined) {
  console.error('usage: services-process KUBECONFIG PORT [POLICY_FILE]');
  process.exit(2);
}
const transport = new ApiTransport(kubeconfigConnection(kubeconfig));
const store = new PolicyStore();
const services = await startSidecarServices({
  kube: createKubeClient(transport),
  host: '127.0.0.1',
  port: Number(port),
  isLeader: () => true,
  store,
  logger: pino({ level: process.env['SERVICES_LOG'] ?? 'warn' }, pino.destination(2)),
  mirrorDebounceMs: 20,
});
if (policyFile) {
  const policy = JSON.parse(readFileSync(policyFile, 'utf8')) as EffectivePolicy;
  store.publish(policy.agent.namespace, policy.agent.name, policy);
}
process.stdout.write(`listening ${services.port} ${store.size}\n`);
process.once('SIGTERM', () => {
  void services.close().then(() => process.exit(0));
});
