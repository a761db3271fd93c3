import { type Command, Option } from 'commander';
import { type Level, pino } from 'pino';
import type { Operator } from '../runtime/manager/operator-runtime.js';
import type { OperatorService } from '../runtime/manager/operator-service.js';
import { hasSemiSpaceFlag, OPERATOR_NODE_FLAGS, relaunchWithNodeFlags } from './node-flags.js';
import { boolean, dnsLabel, port, seconds } from './option-values.js';
import {
  addSidecarServicesOptions,
  certificateHosts,
  checkOperatorUrl,
  type SidecarServicesFlags,
  sidecarServicesTls,
} from './sidecar-services-flags.js';
import { addUsageStoreOptions, type UsageStoreFlags, usageStoreFrom } from './usage-store-flags.js';
import {
  addWebhookOptions,
  injectionOptions,
  type WebhookFlags,
  webhookServiceOptions,
  webhooksWanted,
} from './webhook-flags.js';

/**
 * The operator (runtime, controllers, services) is imported when `agent-governor operator` runs,
 * not when the CLI starts: `--help` and the other commands should not load it.
 */
async function operatorModules() {
  const [
    { resolveConnection },
    registered,
    { startOperator },
    { sidecarServicesService },
    { admissionWebhookService },
    { defaultInjectionOptions },
    { removeWebhookConfigurations },
    { createKubeClient },
    { ApiTransport },
    { agentUsageLedgers },
    { resourceName },
  ] = await Promise.all([
    import('../runtime/kube/kube-connection.js'),
    import('../operator/registered-controllers.js'),
    import('../runtime/manager/operator-runtime.js'),
    import('../sidecar-services/sidecar-services-service.js'),
    import('../webhooks/server/admission-webhook-service.js'),
    import('../webhooks/injection/injection-options.js'),
    import('../webhooks/registration/webhook-registration.js'),
    import('../runtime/kube/kube-client.js'),
    import('../runtime/kube/api-transport.js'),
    import('../agents/governor-resources.js'),
    import('../runtime/kube/resource-type.js'),
  ]);
  return {
    resolveConnection,
    ...registered,
    startOperator,
    sidecarServicesService,
    admissionWebhookService,
    defaultInjectionOptions,
    removeWebhookConfigurations,
    createKubeClient,
    ApiTransport,
    agentUsageLedgers,
    resourceName,
  };
}

interface OperatorFlags extends WebhookFlags, SidecarServicesFlags, UsageStoreFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  metricsPort: number;
  healthPort: number;
  bindAddress: string;
  leaderElect: boolean;
  leaseName: string;
  identity?: string;
  shutdownTimeout: number;
  logLevel: Level;
}

/** `agent-governor operator`: the controller process (leader-elected), in a pod or from a laptop. */
export function registerOperatorCommand(program: Command): void {
  const command = program
    .command('operator')
    .summary('run the operator: controllers, leader election, /healthz, /readyz, /metrics')
    .description(
      'Run the agent-governor operator.\n\n' +
        'Reaches the API server with --kubeconfig FILE; without it, in a pod, with its ServiceAccount ' +
        '(KUBERNETES_SERVICE_HOST is set); else with $KUBECONFIG or ~/.kube/config.\n\n' +
        'Replicas elect a leader on a coordination.k8s.io Lease: only the leader reconciles; a standby ' +
        'takes over within about 15 s, at once when the leader shuts down gracefully.\n\n' +
        'Stops gracefully on SIGTERM or SIGINT: no new work, running reconciles finish, the Lease is released.\n\n' +
        'Admission webhooks (residency, governor objects, sidecar injection) are served in a pod on ' +
        '--webhook-port; out of cluster give --webhook-host 127.0.0.1 and they are registered pointing here.',
    )
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig to reach the API server with'))
    .addOption(new Option('--context <name>', 'kubeconfig context (default: its current-context)'))
    .addOption(
      new Option(
        '--namespace <namespace>',
        "the operator's own namespace, where the leader Lease lives (default: $POD_NAMESPACE, the pod's namespace, or the kubeconfig context's)",
      ).argParser(dnsLabel),
    )
    .addOption(new Option('--metrics-port <port>', 'port of /metrics').default(8080).argParser(port))
    .addOption(
      new Option('--health-port <port>', 'port of /healthz and /readyz').default(8081).argParser(port),
    )
    .addOption(
      new Option(
        '--bind-address <host>',
        'address the metrics, probe and sidecar-services ports listen on',
      ).default('0.0.0.0'),
    )
    .addOption(
      new Option('--leader-elect [enabled]', 'elect a leader among replicas (true|false)')
        .default(true)
        .argParser(boolean),
    )
    .addOption(new Option('--no-leader-elect', 'run as the only replica, leading from the start'))
    .addOption(
      new Option('--lease-name <name>', 'name of the leader Lease')
        .default('agent-governor-leader')
        .argParser(dnsLabel),
    )
    .addOption(
      new Option('--identity <id>', 'holder identity in the Lease (default: pod name, else hostname-pid)'),
    )
    .addOption(
      new Option('--shutdown-timeout <seconds>', 'how long shutdown waits for running reconciles')
        .default(30)
        .argParser(seconds),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['trace', 'debug', 'info', 'warn', 'error'])
        .default('info'),
    );
  addUsageStoreOptions(addWebhookOptions(addSidecarServicesOptions(command))).action(
    async (flags: OperatorFlags) => {
      // Become the same command with the operator's V8 flags (replaces this process; ADR 0027).
      // Node before 22.15 cannot.
      const flagged = hasSemiSpaceFlag() || relaunchWithNodeFlags(OPERATOR_NODE_FLAGS);
      const log = pino({ level: flags.logLevel, base: { component: 'operator' } });
      if (!flagged) {
        log.info(
          `Node ${process.version} cannot re-exec itself with ${OPERATOR_NODE_FLAGS.join(' ')}: running with Node's ` +
            `default heap sizing (start it as \`node ${OPERATOR_NODE_FLAGS.join(' ')} agent-governor.mjs operator …\` to apply them)`,
        );
      }
      const {
        resolveConnection,
        policyStore,
        ledgerDocuments,
        createKubeClient,
        ApiTransport,
        agentUsageLedgers,
        resourceName,
        registeredControllers,
        registeredServices,
        startOperator,
        sidecarServicesService,
        admissionWebhookService,
        defaultInjectionOptions,
        registeredAdmissionHandlers,
        removeWebhookConfigurations,
      } = await operatorModules();
      const connection = await resolveConnection({
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        ...(flags.context ? { context: flags.context } : {}),
      });
      const namespace = flags.namespace ?? (process.env['POD_NAMESPACE'] || connection.namespace);
      // Where usage lives (docs/scale.md): ingest, the budgets' period registration and the ledger cache use it.
      const usageStore = await usageStoreFrom(flags, createKubeClient(new ApiTransport(connection)), (err) =>
        log.warn({ err: err.message }, 'usage store connection error; reconnecting'),
      );
      await usageStore.ready();
      if (usageStore.kind !== 'apiserver') ledgerDocuments.use(usageStore.ledgers);
      log.info(`usage store: ${usageStore.describe}`);
      const listen = (port: number) => ({ host: flags.bindAddress, port });
      let sidecarServicesUrl: string | undefined;
      const services: OperatorService[] = [...registeredServices];
      const servicesTls = !flags.sidecarServicesInsecurePlainHttp;
      checkOperatorUrl(flags.sidecarOperatorUrl, servicesTls);
      if (flags.sidecarServices) {
        if (!servicesTls) {
          log.warn(
            '--sidecar-services-insecure-plain-http: the sidecar services serve plain HTTP — ServiceAccount tokens, ' +
              'policies and usage cross the network in clear; anyone on the path can read them (docs/adr/0036)',
          );
        }
        const tls = sidecarServicesTls(flags, certificateHosts(flags.sidecarOperatorUrl, flags.bindAddress));
        services.push(
          sidecarServicesService({
            host: flags.bindAddress,
            port: flags.sidecarServicesPort,
            ...(tls ? { tls } : {}),
            store: policyStore,
            maxPolicyWaiters: flags.maxLongPollWaiters,
            budgetLeaseMs: flags.budgetLeaseSeconds * 1000,
            ...(flags.sidecarServicesExternal ? { role: 'publish' as const } : {}),
            ...(usageStore.kind !== 'apiserver' ? { ledgers: usageStore.ledgers } : {}),
            ...(usageStore.leases ? { leases: usageStore.leases } : {}),
            onListening: (listening) => {
              sidecarServicesUrl = listening.url;
            },
          }),
        );
      }
      const serveWebhooks = webhooksWanted(flags, connection.source.startsWith('in-cluster'));
      let webhooksUrl: string | undefined;
      if (serveWebhooks) {
        const injection = injectionOptions(flags, defaultInjectionOptions(namespace, { tls: servicesTls }));
        services.push(
          admissionWebhookService({
            ...webhookServiceOptions(flags, flags.bindAddress),
            handlers: (view, context) => registeredAdmissionHandlers(view, injection, context),
            onListening: (listening) => {
              webhooksUrl = listening.url;
            },
          }),
        );
      }
      const operator = await startOperator({
        connection,
        namespace,
        ...(flags.identity ? { identity: flags.identity } : {}),
        controllers: registeredControllers,
        services,
        ...(usageStore.ledgerFeed
          ? { informerSources: new Map([[resourceName(agentUsageLedgers), usageStore.ledgerFeed]]) }
          : {}),
        leaderElection: flags.leaderElect ? { leaseName: flags.leaseName } : false,
        metrics: listen(flags.metricsPort),
        health: listen(flags.healthPort),
        log,
        shutdownTimeoutMs: flags.shutdownTimeout * 1000,
      });
      // The services start listening right after start-up (the webhooks once their caches listed and a
      // certificate is at hand); wait briefly so the line can name them.
      const servesSidecars = flags.sidecarServices && !flags.sidecarServicesExternal;
      const waiting = () => (servesSidecars && !sidecarServicesUrl) || (serveWebhooks && !webhooksUrl);
      for (let i = 0; i < 150 && waiting(); i++) {
        const outcome = await Promise.race([operator.stopped, new Promise((r) => setTimeout(r, 100))]);
        if (outcome) break;
      }
      console.log(
        startupLine(operator, connection.source, namespace, {
          ...(sidecarServicesUrl ? { sidecarServices: sidecarServicesUrl } : {}),
          ...(webhooksUrl ? { webhooks: webhooksUrl } : {}),
        }),
      );
      const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      const ended = await Promise.race([stopSignal, operator.stopped]);
      if (typeof ended === 'object') {
        // Stopped on its own: a service failed.
        throw ended.failure ?? new Error(`the operator stopped: ${ended.reason}`);
      }
      // A second signal while shutting down means "now".
      const force = () => {
        console.error('agent-governor operator: second signal, exiting without finishing the shutdown');
        process.exit(1);
      };
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      if (serveWebhooks && flags.webhookCleanupOnExit && webhooksUrl) {
        // Before the server stops, while the client may still act: no call goes to a dead URL.
        await removeWebhookConfigurations(operator.client, log).catch((err: unknown) =>
          log.error({ err: (err as Error).message }, 'could not remove the webhook configurations'),
        );
      }
      await operator.stop(ended);
      const outcome = await operator.stopped;
      await usageStore.close();
      if (outcome.failure) throw outcome.failure;
      console.log(`agent-governor operator stopped (${ended})`);
    },
  );
}

export function startupLine(
  operator: Operator,
  source: string,
  namespace: string,
  urls: { sidecarServices?: string; webhooks?: string } = {},
): string {
  const controllers =
    operator.controllers.length > 0 ? operator.controllers.join(', ') : 'none registered yet';
  const services = operator.services.length > 0 ? `; services: ${operator.services.join(', ')}` : '';
  const election = operator.lease
    ? `leader election on Lease ${operator.lease}`
    : 'leader election off (leading from the start)';
  const endpoints = [
    operator.metricsUrl ? `metrics ${operator.metricsUrl}/metrics` : undefined,
    operator.healthUrl ? `probes ${operator.healthUrl}/healthz ${operator.healthUrl}/readyz` : undefined,
    urls.sidecarServices ? `sidecar services ${urls.sidecarServices}` : undefined,
    urls.webhooks ? `admission webhooks ${urls.webhooks}` : undefined,
  ].filter(Boolean);
  return (
    `agent-governor operator started as ${operator.identity}: API server via ${source}; namespace ${namespace}; ` +
    `${election}; controllers: ${controllers}${services}; ${endpoints.join('; ')}`
  );
}
