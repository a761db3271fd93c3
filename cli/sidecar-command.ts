import { type Command, InvalidArgumentError, Option } from 'commander';
import { hasSemiSpaceFlag, relaunchWithNodeFlags, SIDECAR_NODE_FLAGS } from './node-flags.js';

interface SidecarFlags {
  host: string;
  port: number;
  metricsPort?: number;
  metricsHost: string;
  config?: string;
  operatorUrl?: string;
  operatorCaFile?: string;
  agent?: { namespace: string; name: string };
  tokenFile?: string;
  policyFile?: string;
  spoolDir?: string;
  maxBodyBytes?: number;
  shutdownSeconds?: number;
  reaskWindowSeconds?: number;
  deferredPollSeconds?: number;
  capture?: boolean;
  captureKeyFile?: string;
  captureDir?: string;
  captureSampleRate?: number;
  captureMaxRecordChars?: number;
  captureMaxTotalMb?: number;
  captureRetentionHours?: number;
  captureRedact?: string[];
  otlpEndpoint?: string;
}

/** `agent-governor sidecar`: the governing proxy, standalone from a file or fed by the operator. */
export function registerSidecarCommand(program: Command): void {
  program
    .command('sidecar')
    .description(
      'Run the governing proxy beside an agent. Point the agent at it:\n' +
        '  OPENAI_BASE_URL=http://HOST:PORT/v1   ANTHROPIC_BASE_URL=http://HOST:PORT\n' +
        'Standalone: --config FILE (a SidecarConfig, reloaded on change; see examples/sidecar/standalone.yaml).\n' +
        'In a cluster: --operator-url URL --agent NAMESPACE/NAME [--operator-ca-file F] [--token-file F] [--policy-file F].\n' +
        'Stops gracefully on SIGTERM or SIGINT: calls in flight finish, usage is flushed.',
    )
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--port <port>', 'port to listen on; 0 picks a free one').default(4000).argParser(port),
    )
    .addOption(
      new Option(
        '--metrics-port <port>',
        'also serve GET /metrics (only) on this port, for Prometheus; 0 picks a free one (default: off)',
      ).argParser(port),
    )
    .addOption(
      new Option('--metrics-host <host>', 'address of the --metrics-port listener').default('0.0.0.0'),
    )
    .addOption(
      new Option('--config <file>', 'standalone policy: a SidecarConfig YAML file').conflicts('operatorUrl'),
    )
    .addOption(
      new Option('--operator-url <url>', 'the operator serving policies and receiving usage').argParser(
        httpUrl,
      ),
    )
    .addOption(
      new Option(
        '--operator-ca-file <file>',
        'PEM CA bundle the https --operator-url is verified against, re-read for each new connection (the injected sidecar mounts ConfigMap agent-governor-services-ca); without it the system roots',
      ),
    )
    .addOption(
      new Option(
        '--agent <namespace/name>',
        'the agent this sidecar governs (with --operator-url)',
      ).argParser(agentRef),
    )
    .addOption(new Option('--token-file <file>', 'projected ServiceAccount token presented to the operator'))
    .addOption(
      new Option('--policy-file <file>', 'the mounted policy ConfigMap, used until the operator answers'),
    )
    .addOption(new Option('--spool-dir <dir>', 'where unacknowledged usage batches wait'))
    .addOption(
      new Option('--max-body-bytes <bytes>', 'largest request body accepted; larger get 413')
        .default(10 * 1024 * 1024)
        .argParser(positiveInt),
    )
    .addOption(
      new Option(
        '--shutdown-seconds <seconds>',
        "at SIGTERM, the longest the sidecar takes to stop: calls in flight finish (up to 10 s), then spooled usage is delivered, retried until acknowledged (default: calls in flight, then 1 s; the injector sets it from the pod's termination grace period)",
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        '--reask-window-seconds <seconds>',
        'how soon after an answer the same question from the same conversation counts as a re-ask (governor_sidecar_reasks_total; docs/feedback.md)',
      )
        .default(600)
        .argParser(wholeSeconds),
    )
    .addOption(
      new Option(
        '--deferred-poll-seconds <seconds>',
        'time between background rounds over deferred calls: expired job files swept, finished batches fetched and counted without the agent polling (default 60)',
      ).argParser(positiveSeconds),
    )
    .addOption(
      new Option(
        '--capture',
        'capture request/answer pairs, redacted and encrypted, to <spool dir>/capture (docs/capture.md); needs --capture-key-file',
      ),
    )
    .addOption(
      new Option(
        '--capture-key-file <file>',
        'the AES-256-GCM key of capture (32 raw bytes, 64 hex or base64; e.g. a mounted Secret); turns capture on',
      ),
    )
    .addOption(new Option('--capture-dir <dir>', 'capture directory (default <spool dir>/capture)'))
    .addOption(
      new Option('--capture-sample-rate <rate>', 'share of calls captured, 0 to 1 (default 1)').argParser(
        unitInterval,
      ),
    )
    .addOption(
      new Option(
        '--capture-max-record-chars <chars>',
        'request + answer text kept per record before "…[truncated]" (default 32768)',
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        '--capture-max-total-mb <mb>',
        'records are dropped while the capture directory holds this many MiB (default 1024)',
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        '--capture-retention-hours <hours>',
        'capture files older than this are deleted (default 168)',
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        '--capture-redact <regex...>',
        'extra patterns redacted as [redacted], after emails, phones, cards and IBANs',
      ),
    )
    .addOption(
      new Option(
        '--otlp-endpoint <url>',
        'send an OpenTelemetry span per call to this OTLP/HTTP receiver (/v1/traces is appended; docs/traces.md); default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, else off',
      ),
    )
    .action(async (flags: SidecarFlags) => {
      // Become the same command with the sidecar's V8 flags (replaces this process; see the ADR).
      if (!hasSemiSpaceFlag() && !relaunchWithNodeFlags(SIDECAR_NODE_FLAGS)) {
        console.error(
          `agent-governor sidecar: Node ${process.version} cannot re-exec itself with ${SIDECAR_NODE_FLAGS.join(' ')}; ` +
            `running without them (start it as \`node ${SIDECAR_NODE_FLAGS.join(' ')} agent-governor.mjs sidecar …\` to apply them)`,
        );
      }
      if (!flags.config && !flags.operatorUrl) {
        throw new Error(
          'sidecar: give --config FILE (standalone) or --operator-url URL --agent NAMESPACE/NAME',
        );
      }
      if (flags.operatorUrl && !flags.agent)
        throw new Error('sidecar: --operator-url needs --agent NAMESPACE/NAME');
      const capture = captureOf(flags);
      // Imported here so that other commands (and --help) do not load the data plane.
      const { startSidecar } = await import('../sidecar/main.js');
      const sidecar = await startSidecar({
        host: flags.host,
        port: flags.port,
        ...(flags.metricsPort !== undefined
          ? { metricsPort: flags.metricsPort, metricsHost: flags.metricsHost }
          : {}),
        ...(flags.config ? { config: flags.config } : {}),
        ...(flags.operatorUrl ? { operatorUrl: flags.operatorUrl } : {}),
        ...(flags.operatorCaFile ? { operatorCaFile: flags.operatorCaFile } : {}),
        ...(flags.agent ? { agent: flags.agent } : {}),
        ...(flags.tokenFile ? { tokenFile: flags.tokenFile } : {}),
        ...(flags.policyFile ? { policyFile: flags.policyFile } : {}),
        ...(flags.spoolDir ? { spoolDir: flags.spoolDir } : {}),
        ...(flags.maxBodyBytes ? { maxBodyBytes: flags.maxBodyBytes } : {}),
        ...(flags.shutdownSeconds ? { stopWithinMs: flags.shutdownSeconds * 1000 } : {}),
        ...(flags.reaskWindowSeconds !== undefined
          ? { feedback: { reaskWindowMs: flags.reaskWindowSeconds * 1000 } }
          : {}),
        ...(flags.deferredPollSeconds ? { deferredPollIntervalMs: flags.deferredPollSeconds * 1000 } : {}),
        ...(capture ? { capture } : {}),
        ...(flags.otlpEndpoint ? { otlpEndpoint: flags.otlpEndpoint } : {}),
      });
      console.log(`agent-governor sidecar listening on ${sidecar.url}`);
      if (sidecar.metricsUrl) console.log(`agent-governor sidecar metrics on ${sidecar.metricsUrl}/metrics`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      console.error(`agent-governor sidecar: ${signal}, finishing calls in flight and flushing usage`);
      await sidecar.close();
    });
}

/** The capture settings the flags ask for; any --capture* flag turns capture on, and then a key file is required. */
export function captureOf(flags: SidecarFlags): Record<string, unknown> | undefined {
  const on =
    flags.capture ||
    Object.entries(flags).some(([name, value]) => name.startsWith('capture') && value !== undefined);
  if (!on) return undefined;
  if (!flags.captureKeyFile)
    throw new Error(
      'sidecar: capture needs --capture-key-file FILE (capture.keyFile): the 256-bit key the records are encrypted with, e.g. a mounted Secret (`openssl rand -base64 32`)',
    );
  const settings: Record<string, unknown> = { keyFile: flags.captureKeyFile };
  if (flags.captureDir) settings['dir'] = flags.captureDir;
  if (flags.captureSampleRate !== undefined) settings['sampleRate'] = flags.captureSampleRate;
  if (flags.captureMaxRecordChars) settings['maxRecordChars'] = flags.captureMaxRecordChars;
  if (flags.captureMaxTotalMb) settings['maxTotalBytes'] = flags.captureMaxTotalMb * 1024 * 1024;
  if (flags.captureRetentionHours) settings['retentionHours'] = flags.captureRetentionHours;
  if (flags.captureRedact) settings['redact'] = flags.captureRedact;
  return settings;
}

function unitInterval(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value) || value < 0 || value > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1, e.g. 0.1');
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value > 65535)
    throw new InvalidArgumentError('must be a port from 0 to 65535');
  return value;
}

function positiveInt(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text))
    throw new InvalidArgumentError('must be a whole number of bytes, e.g. 10485760');
  return Number(text);
}

function wholeSeconds(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw new InvalidArgumentError('must be a whole number of seconds, e.g. 600');
  return Number(text);
}

function positiveSeconds(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text))
    throw new InvalidArgumentError('must be a whole number of seconds, e.g. 60');
  return Number(text);
}

function httpUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return text.replace(/\/+$/, '');
  } catch {}
  throw new InvalidArgumentError(
    'must be an http(s) URL such as https://agent-governor.agent-governor.svc:8443',
  );
}

function agentRef(text: string): { namespace: string; name: string } {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(text);
  if (!match) throw new InvalidArgumentError('must be NAMESPACE/NAME, e.g. agents/support');
  return { namespace: match[1] as string, name: match[3] as string };
}
