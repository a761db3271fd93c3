// `agent-governor cockpit`: the daily cockpit as a read-only web page, served from outside the
// cluster against a kubeconfig (cockpit/). People sign in with their own Kubernetes token and see
// only the namespaces they may read.
import type { Command } from 'commander';
import { ianaTimeZone, port, seconds } from './option-values.js';
import {
  addUsageStoreOptions,
  readingFlags,
  type UsageStoreFlags,
  usageStoreForReading,
} from './usage-store-flags.js';

export interface CockpitFlags extends Partial<UsageStoreFlags> {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  address: string;
  port: number;
  refresh: number;
  timeZone: string;
}

export function registerCockpitCommand(program: Command): void {
  const command = program
    .command('cockpit')
    .summary('the daily cockpit: tokens and spend per agent, use case and hour, budgets and forecasts, live')
    .description(
      'Serves a read-only web page of today: tokens and spend per agent, per use case (header ' +
        'x-governor-use-case) and per hour, each TokenBudget with its thresholds, forecast and phase, the workloads ' +
        'budgets hold suspended and when they come back, SLO burn and residency refusals. It updates live.\n\n' +
        "It reads the cluster with the kubeconfig's credentials (list tokenbudgets, agentusageledgers, agentslos, " +
        'datarespolicies; create tokenreviews and subjectaccessreviews). A person signs in with a Kubernetes bearer ' +
        'token (TokenReview) and sees the namespaces where they may list TokenBudgets (SubjectAccessReview).\n\n' +
        "Usage is read where the operator keeps it: give the operator's --usage-store and --redis-* flags when it " +
        'keeps usage in Redis or Valkey (docs/scale.md).\n\n' +
        'Examples:\n' +
        '  agent-governor cockpit --kubeconfig ~/.kube/config\n' +
        '  kubectl create token viewer -n team-a   # the token to sign in with\n' +
        '  agent-governor cockpit --time-zone Europe/Berlin --port 8787 --address 0.0.0.0',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <namespace>', 'only this namespace')
    .option('--address <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 8787)
    .option('--refresh <seconds>', 'how often the cluster is read and live pages updated', seconds, 2)
    .option('--time-zone <zone>', 'the IANA time zone "today" and its hours are in', ianaTimeZone, 'UTC');
  addUsageStoreOptions(command).action(async (flags: CockpitFlags) => {
    const cockpit = await serveCockpit(flags);
    console.log(`cockpit: ${cockpit.url} (sign in with a Kubernetes token; Ctrl-C stops it)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await cockpit.close();
  });
}

/** Starts the cockpit the flags describe; `close` stops it and releases the connection. */
export async function serveCockpit(flags: CockpitFlags): Promise<{ url: string; close(): Promise<void> }> {
  const [{ resolveConnection }, { ApiTransport }, { createKubeClient }, { startCockpit }] = await Promise.all(
    [
      import('../runtime/kube/kube-connection.js'),
      import('../runtime/kube/api-transport.js'),
      import('../runtime/kube/kube-client.js'),
      import('./cockpit/cockpit-server.js'),
    ],
  );
  const connection = await resolveConnection({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  });
  const transport = new ApiTransport(connection);
  const client = createKubeClient(transport);
  const usage = await usageStoreForReading(readingFlags(flags), client).catch(async (err: unknown) => {
    await transport.close();
    throw err;
  });
  const cockpit = await startCockpit({
    client,
    ledgers: usage.reader,
    reviews: transport,
    address: flags.address,
    port: flags.port,
    refreshMs: flags.refresh * 1000,
    timeZone: flags.timeZone,
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    log: (line) => console.error(line),
  });
  return {
    url: cockpit.url,
    async close() {
      await cockpit.close();
      await usage.close();
      await transport.close();
    },
  };
}
