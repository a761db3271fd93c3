// An operator process for the leader-election tests: the real runtime (startOperator) running the
// stamp controller, as `agent-governor operator` runs the registered ones.
//   node stamping-operator.js KUBECONFIG NAMESPACE IDENTITY [--no-leader-elect]
// Prints one JSON line {identity, metricsUrl, healthUrl} once listening; SIGTERM stops it
// gracefully (exit 0, once every watch and server is closed). It exits by itself when its parent (the test) is gone.
import { pino } from 'pino';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { startOperator } from '../../runtime/manager/operator-runtime.js';
import { stampController } from './stamp-controller.js';

const [kubeconfig, namespace, identity, flag] = process.argv.slice(2);
if (!kubeconfig || !namespace || !identity) {
  console.error('usage: stamping-operator.js KUBECONFIG NAMESPACE IDENTITY [--no-leader-elect]');
  process.exit(2);
}
const parent = process.ppid;
const log = pino({ level: 'info', base: { identity } }, pino.destination(2));
const operator = await startOperator({
  connection: kubeconfigConnection(kubeconfig),
  namespace,
  identity,
  controllers: [stampController(identity, namespace)],
  leaderElection: flag === '--no-leader-elect' ? false : { leaseName: 'stamp-leader' },
  metrics: { host: '127.0.0.1', port: 0 },
  health: { host: '127.0.0.1', port: 0 },
  log,
  shutdownTimeoutMs: 10_000,
});
console.log(JSON.stringify({ identity, metricsUrl: operator.metricsUrl, healthUrl: operator.healthUrl }));
const orphanCheck = setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(3);
  }
}, 1_000);
process.once('SIGTERM', () => {
  clearInterval(orphanCheck);
  // No process.exit: the process ends by itself only if shutdown closed every watch and server.
  void operator.stop('SIGTERM');
});
