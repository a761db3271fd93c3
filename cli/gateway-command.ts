// `agent-governor gateway`: the shared proxy of gateway mode (gateway/, docs/gateway.md). Agents
// reach it through its Service with their pod's projected ServiceAccount token as the API key.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { baseUrl, dnsLabel, port, seconds } from './option-values.js';

interface GatewayFlags {
  host: string;
  port: number;
  operatorUrl: string;
  operatorCaFile?: string;
  kubeconfig?: string;
  context?: string;
  namespaces?: string[];
  spoolDir?: string;
  maxAgents: number;
  idleSeconds: number;
  tokenCacheSeconds: number;
  shutdownSeconds: number;
}

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description(
      'Run the shared governing proxy of gateway mode, for the agents of a namespace or a team.\n' +
        'Agents send their pod’s projected ServiceAccount token (audience agent-governor-gateway) as the API key:\n' +
        '  OPENAI_BASE_URL=http://GATEWAY:4000/v1   ANTHROPIC_BASE_URL=http://GATEWAY:4000\n' +
        'Needs create on tokenreviews and get on pods; reaches the API server with --kubeconfig or, in a pod, its ServiceAccount.\n' +
        'Stops gracefully on SIGTERM or SIGINT: calls in flight finish, every agent’s usage is delivered.',
    )
    .addOption(new Option('--host <host>', 'address to listen on').default('0.0.0.0'))
    .addOption(
      new Option('--port <port>', 'port to listen on; 0 picks a free one').default(4000).argParser(port),
    )
    .addOption(
      new Option('--operator-url <url>', "the operator's sidecar services (policies, usage)")
        .argParser(baseUrl)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--operator-ca-file <file>', 'PEM CA bundle the https --operator-url is verified against'),
    )
    .addOption(
      new Option('--kubeconfig <file>', 'kubeconfig to reach the API server with (default: in-cluster)'),
    )
    .addOption(new Option('--context <name>', 'kubeconfig context'))
    .addOption(
      new Option(
        '--namespaces <names>',
        'comma-separated namespaces whose agents are served (default: all)',
      ).argParser(namespaceList),
    )
    .addOption(new Option('--spool-dir <dir>', 'root of the agents’ usage spools and token files'))
    .addOption(
      new Option('--max-agents <n>', 'agents with a pipeline at once')
        .default(1000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--idle-seconds <s>', 'an agent’s pipeline is closed after this long without a call')
        .default(600)
        .argParser(seconds),
    )
    .addOption(
      new Option('--token-cache-seconds <s>', 'how long a reviewed token and its pod are trusted')
        .default(10)
        .argParser(seconds),
    )
    .addOption(
      new Option('--shutdown-seconds <s>', 'at SIGTERM, how long calls in flight may take to finish')
        .default(10)
        .argParser(seconds),
    )
    .action(async (flags: GatewayFlags) => {
      const [{ resolveConnection }, { ApiTransport }, { createKubeClient }, { startGateway }] =
        await Promise.all([
          import('../runtime/kube/kube-connection.js'),
          import('../runtime/kube/api-transport.js'),
          import('../runtime/kube/kube-client.js'),
          import('../gateway/start-gateway.js'),
        ]);
      const connection = await resolveConnection({
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        ...(flags.context ? { context: flags.context } : {}),
      });
      const transport = new ApiTransport(connection);
      const gateway = await startGateway({
        kube: createKubeClient(transport),
        host: flags.host,
        port: flags.port,
        operatorUrl: flags.operatorUrl,
        ...(flags.operatorCaFile ? { operatorCaFile: flags.operatorCaFile } : {}),
        ...(flags.namespaces ? { namespaces: flags.namespaces } : {}),
        ...(flags.spoolDir ? { spoolDir: flags.spoolDir } : {}),
        maxAgents: flags.maxAgents,
        idleMs: flags.idleSeconds * 1000,
        tokenCacheMs: flags.tokenCacheSeconds * 1000,
        shutdownGraceMs: flags.shutdownSeconds * 1000,
      });
      console.log(`agent-governor gateway listening on ${gateway.url}`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      console.error(`agent-governor gateway: ${signal}, finishing calls in flight and delivering usage`);
      await gateway.close();
      await transport.close();
    });
}

function namespaceList(text: string): string[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new InvalidArgumentError('must name at least one namespace, e.g. team-a,team-b');
  return names.map(dnsLabel);
}

function positiveInteger(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new InvalidArgumentError('must be a whole number above 0');
  return Number(text);
}
