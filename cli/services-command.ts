// `agent-governor services`: the sidecar services as a stateless Deployment of their own (docs/adr/0061),
// apart from the leader-elected controllers. Every replica serves: policy long-polls from the
// ConfigMap mirrors the operator's leader writes (watched), usage into the ledgers through the
// exactly-once committer (optimistic concurrency makes concurrent replicas safe) or, with the
// operator's --usage-store redis, into the same shared store (docs/adr/0060), the token and agent
// binding of ADR 0036. No Lease, no controllers: scale it by replicas or an HPA.
import { type Command, Option } from 'commander';
import { type Level, pino } from 'pino';
import { dnsLabel, port, seconds } from './option-values.js';
import {
  budgetLeaseSecondsOption,
  DEFAULT_SIDECAR_SERVICES_CERT_DIR,
  maxLongPollWaitersOption,
  sidecarServicesTls,
} from './sidecar-services-flags.js';
import { addUsageStoreOptions, type UsageStoreFlags, usageStoreFrom } from './usage-store-flags.js';

interface ServicesFlags extends UsageStoreFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  bindAddress: string;
  port: number;
  metricsPort: number;
  healthPort: number;
  certDir: string;
  certPollInterval: number;
  insecurePlainHttp: boolean;
  maxLongPollWaiters: number;
  budgetLeaseSeconds: number;
  shutdownTimeout: number;
  logLevel: Level;
}

function servicesModules() {
  return Promise.all([
    import('../runtime/kube/kube-connection.js'),
    import('../runtime/manager/operator-runtime.js'),
    import('../sidecar-services/sidecar-services-service.js'),
    import('../sidecar-services/policy-store.js'),
    import('../runtime/kube/kube-client.js'),
    import('../runtime/kube/api-transport.js'),
  ]);
}

export function registerServicesCommand(program: Command): void {
  const command = program
    .command('services')
    .summary('serve the sidecars (policy long-poll, usage ingest) as a horizontally scaled Deployment')
    .description(
      'Run the sidecar services apart from the operator; every replica serves (docs/services-replicas.md).\n\n' +
        'Policies come from the ConfigMap mirrors governor-policy-<agent> the operator writes (run the ' +
        'operator with --sidecar-services-external); usage is recorded in the AgentUsageLedgers exactly once. ' +
        'TLS: tls.crt, tls.key and ca.crt from --cert-dir (the chart mounts the operator’s certificate), ' +
        'or --insecure-plain-http. Give the operator’s own --usage-store flags: usage must go where it reads it.',
    )
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig to reach the API server with'))
    .addOption(new Option('--context <name>', 'kubeconfig context (default: its current-context)'))
    .addOption(
      new Option(
        '--namespace <namespace>',
        "this process's own namespace (default: $POD_NAMESPACE, else the kubeconfig context's)",
      ).argParser(dnsLabel),
    )
    .addOption(new Option('--bind-address <host>', 'address every port listens on').default('0.0.0.0'))
    .addOption(
      new Option('--port <port>', 'port of the policy long-poll and usage ingest')
        .default(8443)
        .argParser(port),
    )
    .addOption(new Option('--metrics-port <port>', 'port of /metrics').default(8080).argParser(port))
    .addOption(
      new Option('--health-port <port>', 'port of /healthz and /readyz').default(8081).argParser(port),
    )
    .addOption(
      new Option(
        '--cert-dir <dir>',
        'directory of tls.crt, tls.key and ca.crt (watched for rotation)',
      ).default(DEFAULT_SIDECAR_SERVICES_CERT_DIR),
    )
    .addOption(
      new Option('--cert-poll-interval <seconds>', 'how often --cert-dir is read for a rotated pair')
        .default(10)
        .argParser(seconds),
    )
    .addOption(
      new Option(
        '--insecure-plain-http',
        'serve plain HTTP: ServiceAccount tokens, policies and usage cross the network in clear',
      ).default(false),
    )
    .addOption(maxLongPollWaitersOption())
    .addOption(budgetLeaseSecondsOption())
    .addOption(
      new Option('--shutdown-timeout <seconds>', 'how long shutdown lets usage posts in flight finish')
        .default(5)
        .argParser(seconds),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['trace', 'debug', 'info', 'warn', 'error'])
        .default('info'),
    );
  addUsageStoreOptions(command).action(async (flags: ServicesFlags) => {
    const log = pino({ level: flags.logLevel, base: { component: 'services' } });
    const [connections, runtime, serving, policies, kube, transport] = await servicesModules();
    const connection = await connections.resolveConnection({
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.context ? { context: flags.context } : {}),
    });
    const namespace = flags.namespace ?? (process.env['POD_NAMESPACE'] || connection.namespace);
    // The operator's store (docs/scale.md): a replica ingesting elsewhere would count usage nobody reads.
    const usageStore = await usageStoreFrom(
      flags,
      kube.createKubeClient(new transport.ApiTransport(connection)),
      (err) => log.warn({ err: err.message }, 'usage store connection error; reconnecting'),
    );
    await usageStore.ready();
    log.info(`usage store: ${usageStore.describe}`);
    if (flags.insecurePlainHttp) {
      log.warn('--insecure-plain-http: ServiceAccount tokens, policies and usage cross the network in clear');
    }
    const tls = sidecarServicesTls(
      {
        sidecarServices: true,
        sidecarServicesPort: flags.port,
        sidecarServicesCertMode: 'files',
        sidecarServicesCertDir: flags.certDir,
        sidecarServicesInsecurePlainHttp: flags.insecurePlainHttp,
        sidecarServicesExternal: false,
        maxLongPollWaiters: flags.maxLongPollWaiters,
        budgetLeaseSeconds: flags.budgetLeaseSeconds,
        webhookCertPollInterval: flags.certPollInterval * 1000,
        webhookCertLifetime: 0,
        webhookCaLifetime: 0,
      },
      [],
    );
    let url: string | undefined;
    const listen = (port: number) => ({ host: flags.bindAddress, port });
    const operator = await runtime.startOperator({
      connection,
      namespace,
      controllers: [],
      services: [
        serving.sidecarServicesService({
          role: 'serve',
          host: flags.bindAddress,
          port: flags.port,
          ...(tls ? { tls } : {}),
          store: new policies.PolicyStore(),
          maxPolicyWaiters: flags.maxLongPollWaiters,
          budgetLeaseMs: flags.budgetLeaseSeconds * 1000,
          shutdownGraceMs: flags.shutdownTimeout * 1000,
          ...(usageStore.kind !== 'apiserver' ? { ledgers: usageStore.ledgers } : {}),
          ...(usageStore.leases ? { leases: usageStore.leases } : {}),
          onListening: (listening) => {
            url = listening.url;
          },
        }),
      ],
      leaderElection: false,
      metrics: listen(flags.metricsPort),
      health: listen(flags.healthPort),
      log,
      shutdownTimeoutMs: (flags.shutdownTimeout + 5) * 1000,
    });
    for (let i = 0; i < 150 && !url; i++) {
      if (await Promise.race([operator.stopped, new Promise((r) => setTimeout(r, 100))])) break;
    }
    console.log(
      `agent-governor services started as ${operator.identity}: API server via ${connection.source}; ` +
        `namespace ${namespace}; serving sidecars at ${url ?? '(not listening)'} ` +
        `(policies from the mirrors, usage into ${usageStore.describe}); at most ${flags.maxLongPollWaiters} long-polls; ` +
        `metrics ${operator.metricsUrl}/metrics; probes ${operator.healthUrl}/healthz ${operator.healthUrl}/readyz`,
    );
    const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const ended = await Promise.race([stopSignal, operator.stopped]);
    if (typeof ended === 'object') throw ended.failure ?? new Error(`the services stopped: ${ended.reason}`);
    await operator.stop(ended);
    const outcome = await operator.stopped;
    await usageStore.close();
    if (outcome.failure) throw outcome.failure;
    console.log(`agent-governor services stopped (${ended})`);
  });
}
