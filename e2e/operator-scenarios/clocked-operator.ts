// The operator as `agent-governor operator` composes it — the registered controllers, the sidecar
// services, leader election — with two things a person cannot set on the command line and the
// fail-over suite needs: an injectable clock (to reach a budget's reset) and short lease timings.
//   node clocked-operator.js KUBECONFIG NAMESPACE IDENTITY LEASE CLOCK_FILE
// CLOCK_FILE holds the clock's offset from real time in milliseconds; it is re-read every 100 ms.
// Prints one JSON line {identity, metricsUrl, healthUrl} once started; exits when its parent is gone.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { agentSLOController } from '../../controllers/agent-slo/agent-slo-controller.js';
import { dataResidencyController } from '../../controllers/data-residency/data-residency-controller.js';
import { fallbackRouteController } from '../../controllers/fallback-route/fallback-route-controller.js';
import { policyCompilerController } from '../../controllers/policy-compiler/policy-compiler-controller.js';
import { tokenBudgetController } from '../../controllers/token-budget/token-budget-controller.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { startOperator } from '../../runtime/manager/operator-runtime.js';
import { PolicyStore } from '../../sidecar-services/policy-store.js';
import { sidecarServicesService } from '../../sidecar-services/sidecar-services-service.js';

/** Lease timings short enough for a suite: a killed leader is replaced about 6 s later. */
const SHORT_LEASE = { leaseDurationMs: 6_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };

const [kubeconfig, namespace, identity, lease, clockFile] = process.argv.slice(2);
if (!kubeconfig || !namespace || !identity || !lease || !clockFile) {
  console.error('usage: clocked-operator.js KUBECONFIG NAMESPACE IDENTITY LEASE CLOCK_FILE');
  process.exit(2);
}
let offsetMs = 0;
const readClock = () => {
  const value = Number(readFileSync(clockFile, 'utf8').trim());
  if (Number.isFinite(value)) offsetMs = value;
};
readClock();
setInterval(readClock, 100).unref();

const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(3);
  }
}, 1_000).unref();

const store = new PolicyStore();
const operator = await startOperator({
  connection: kubeconfigConnection(kubeconfig),
  namespace,
  identity,
  controllers: [
    // Looks again every second (not every 5 minutes), so a moved clock is noticed at once; alert
    // deliveries wait long enough that a suite can hold one open while it kills this process.
    tokenBudgetController({ maxRequeueMs: 1_000, delivery: { timeoutMs: 30_000 } }),
    agentSLOController(),
    policyCompilerController({ store }),
    fallbackRouteController,
    dataResidencyController,
  ],
  services: [sidecarServicesService({ host: '127.0.0.1', port: 0, store })],
  leaderElection: { leaseName: lease, timing: SHORT_LEASE },
  metrics: { host: '127.0.0.1', port: 0 },
  health: { host: '127.0.0.1', port: 0 },
  log: pino({ level: 'info', base: { identity } }, pino.destination(2)),
  now: () => new Date(Date.now() + offsetMs),
  shutdownTimeoutMs: 5_000,
});
console.log(JSON.stringify({ identity, metricsUrl: operator.metricsUrl, healthUrl: operator.healthUrl }));
process.once('SIGTERM', () => void operator.stop('SIGTERM'));
