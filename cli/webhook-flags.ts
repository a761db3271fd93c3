// The `--webhook-*` and `--sidecar-*` flags of `agent-governor operator`: where the admission
// webhooks listen, where their certificate comes from, how the API server learns of them, and what
// the injected sidecar looks like. Turned into the options of admissionWebhookService.
import { type Command, Option } from 'commander';
import { parseDuration } from '../apis/duration.js';
import {
  DEFAULT_SIDECAR_RESOURCES,
  type SidecarInjectionOptions,
} from '../webhooks/injection/injection-options.js';
import type { AdmissionWebhookServiceOptions } from '../webhooks/server/admission-webhook-service.js';
import { baseUrl, dnsLabel, duration, port } from './option-values.js';

export interface WebhookFlags {
  webhooks: boolean;
  webhookHost?: string;
  webhookPort: number;
  webhookRegistration?: 'self' | 'chart';
  webhookCertMode: 'self-signed' | 'cert-manager' | 'files';
  webhookCertDir: string;
  webhookCertPollInterval: number;
  webhookCertLifetime: number;
  webhookCaLifetime: number;
  webhookFailurePolicy: 'Fail' | 'Ignore';
  webhookCleanupOnExit: boolean;
  webhookService: string;
  sidecarImage?: string;
  sidecarImagePullPolicy: SidecarInjectionOptions['imagePullPolicy'];
  sidecarOperatorUrl?: string;
  gatewayUrl?: string;
  sidecarPort: number;
  sidecarMetricsPort: number;
  nativeSidecar: boolean;
  sidecarCpuRequest: string;
  sidecarMemoryRequest: string;
  sidecarCpuLimit?: string;
  sidecarMemoryLimit: string;
  sidecarOtlpEndpoint?: string;
}

export const DEFAULT_WEBHOOK_CERT_DIR = '/var/run/agent-governor/webhook-tls';

export function addWebhookOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--webhook-host <host>',
        'out of cluster: the address (IP or DNS name) the API server reaches this process at; serves the ' +
          'webhooks and registers them pointing here (implies --webhook-registration self)',
      ),
    )
    .addOption(
      new Option('--webhook-port <port>', 'port of the admission webhooks (HTTPS; 0 picks a free one)')
        .default(9443)
        .argParser(port),
    )
    .addOption(
      new Option(
        '--webhook-registration <mode>',
        'self: create/update the webhook configurations (out of cluster); chart: the chart created them, ' +
          'only keep their caBundle (default: self with --webhook-host, else chart)',
      ).choices(['self', 'chart']),
    )
    .addOption(
      new Option(
        '--webhook-cert-mode <mode>',
        'self-signed: own CA and certificate in Secret agent-governor-webhook-tls, rotated; cert-manager / ' +
          'files: read tls.crt and tls.key from --webhook-cert-dir (watched) and never patch caBundle',
      )
        .choices(['self-signed', 'cert-manager', 'files'])
        .default('self-signed'),
    )
    .addOption(
      new Option(
        '--webhook-cert-dir <dir>',
        'directory of tls.crt and tls.key (cert-manager and files modes)',
      ).default(DEFAULT_WEBHOOK_CERT_DIR),
    )
    .addOption(
      new Option(
        '--webhook-cert-poll-interval <duration>',
        'how often --webhook-cert-dir is read for a new pair',
      )
        .default(parseDuration('10s'), '10s')
        .argParser(duration),
    )
    .addOption(
      new Option(
        '--webhook-cert-lifetime <duration>',
        'life of a self-signed serving certificate (renewed at 2/3)',
      )
        .default(parseDuration('90d'), '90d')
        .argParser(duration),
    )
    .addOption(
      new Option(
        '--webhook-ca-lifetime <duration>',
        'life of the self-signed CA (rotated at 2/3, with an overlap)',
      )
        .default(parseDuration('1825d'), '1825d')
        .argParser(duration),
    )
    .addOption(
      new Option(
        '--webhook-failure-policy <policy>',
        'what the API server does when the residency and injection webhooks do not answer (self registration)',
      )
        .choices(['Fail', 'Ignore'])
        .default('Fail'),
    )
    .addOption(
      new Option(
        '--webhook-cleanup-on-exit',
        'self registration: delete the webhook configurations on a graceful stop (else they stay, and with ' +
          'failurePolicy Fail non-exempt namespaces cannot create workloads until the operator is back)',
      ).default(false),
    )
    .addOption(
      new Option(
        '--webhook-service <name>',
        'the in-cluster Service of the webhooks (named in the certificate)',
      )
        .default('agent-governor-webhook')
        .argParser(dnsLabel),
    )
    .addOption(
      new Option(
        '--no-webhooks',
        'serve no admission webhooks (default: served in a pod, or out of cluster with --webhook-host or --webhook-registration)',
      ),
    )
    .addOption(
      new Option(
        '--sidecar-image <image>',
        'image of the injected sidecar (default: ghcr.io/agent-governor/agent-governor:<version>)',
      ),
    )
    .addOption(
      new Option('--sidecar-image-pull-policy <policy>', 'imagePullPolicy of the injected sidecar')
        .choices(['Always', 'IfNotPresent', 'Never'])
        .default('IfNotPresent'),
    )
    .addOption(
      new Option(
        '--sidecar-operator-url <url>',
        'the sidecar services as injected pods reach them (default: https://agent-governor.<namespace>.svc:8443; ' +
          'http:// with --sidecar-services-insecure-plain-http); its host is also put into the self-signed certificate',
      ).argParser(baseUrl),
    )
    .addOption(
      new Option(
        '--gateway-url <url>',
        'the agent-governor gateway as agent pods reach it; pods labelled governor.agents.dev/mode=gateway (or in such a namespace) get its URL and a token instead of a sidecar (default: none, sidecars only)',
      ).argParser(baseUrl),
    )
    .addOption(
      new Option('--sidecar-port <port>', 'loopback port of the injected proxy; the SDK env points here')
        .default(4000)
        .argParser(port),
    )
    .addOption(
      new Option(
        '--sidecar-metrics-port <port>',
        "port of the injected sidecar's metrics listener on the pod IP (GET /metrics only; container port " +
          "gov-metrics, scraped by the chart's PodMonitor); 0: none",
      )
        .default(9464)
        .argParser(port),
    )
    .addOption(
      new Option(
        '--no-native-sidecar',
        'inject a regular container instead of a native sidecar (Kubernetes < 1.29)',
      ),
    )
    .addOption(
      new Option('--sidecar-cpu-request <quantity>', 'CPU request of the sidecar').default(
        DEFAULT_SIDECAR_RESOURCES.requests.cpu,
      ),
    )
    .addOption(
      new Option('--sidecar-memory-request <quantity>', 'memory request of the sidecar').default(
        DEFAULT_SIDECAR_RESOURCES.requests.memory,
      ),
    )
    .addOption(new Option('--sidecar-cpu-limit <quantity>', 'CPU limit of the sidecar (default: none)'))
    .addOption(
      new Option('--sidecar-memory-limit <quantity>', 'memory limit of the sidecar').default(
        DEFAULT_SIDECAR_RESOURCES.limits.memory,
      ),
    )
    .addOption(
      new Option(
        '--sidecar-otlp-endpoint <url>',
        "the injected sidecars' --otlp-endpoint: an OTLP/HTTP receiver for a span per call (docs/traces.md); default: none, tracing off",
      ).argParser(baseUrl),
    );
}

/** Whether the webhooks run: in a pod, or when a flag asks for them out of cluster. */
export function webhooksWanted(flags: WebhookFlags, inCluster: boolean): boolean {
  if (!flags.webhooks) return false;
  return inCluster || flags.webhookHost !== undefined || flags.webhookRegistration !== undefined;
}

export function webhookServiceOptions(
  flags: WebhookFlags,
  bindAddress: string,
): Omit<AdmissionWebhookServiceOptions, 'handlers' | 'onListening'> {
  const registrationMode = flags.webhookRegistration ?? (flags.webhookHost ? 'self' : 'chart');
  if (registrationMode === 'self' && !flags.webhookHost) {
    throw new Error(
      '--webhook-registration self needs --webhook-host: the address the API server calls back',
    );
  }
  if (flags.webhookCertLifetime >= flags.webhookCaLifetime) {
    throw new Error('--webhook-cert-lifetime must be shorter than --webhook-ca-lifetime');
  }
  return {
    host: bindAddress,
    port: flags.webhookPort,
    serviceName: flags.webhookService,
    certificates:
      flags.webhookCertMode === 'self-signed'
        ? {
            mode: 'self-signed',
            ...(flags.webhookHost ? { hosts: [flags.webhookHost] } : {}),
            caLifetimeMs: flags.webhookCaLifetime,
            servingLifetimeMs: flags.webhookCertLifetime,
          }
        : { mode: flags.webhookCertMode, dir: flags.webhookCertDir, pollMs: flags.webhookCertPollInterval },
    registration:
      registrationMode === 'self'
        ? { mode: 'self', host: flags.webhookHost as string, failurePolicy: flags.webhookFailurePolicy }
        : { mode: 'chart' },
  };
}

/** The injected sidecar: the defaults for `namespace`, overridden by the flags given. */
export function injectionOptions(
  flags: WebhookFlags,
  defaults: SidecarInjectionOptions,
): SidecarInjectionOptions {
  if (flags.sidecarMetricsPort !== 0 && flags.sidecarMetricsPort === flags.sidecarPort) {
    throw new Error(
      `--sidecar-metrics-port ${flags.sidecarMetricsPort} must differ from --sidecar-port: the proxy listens there already`,
    );
  }
  return {
    ...defaults,
    ...(flags.sidecarImage ? { image: flags.sidecarImage } : {}),
    ...(flags.sidecarOperatorUrl ? { operatorUrl: flags.sidecarOperatorUrl } : {}),
    ...(flags.gatewayUrl ? { gatewayUrl: flags.gatewayUrl } : {}),
    imagePullPolicy: flags.sidecarImagePullPolicy,
    port: flags.sidecarPort,
    metricsPort: flags.sidecarMetricsPort,
    nativeSidecar: flags.nativeSidecar,
    ...(flags.sidecarOtlpEndpoint ? { otlpEndpoint: flags.sidecarOtlpEndpoint } : {}),
    resources: {
      requests: { cpu: flags.sidecarCpuRequest, memory: flags.sidecarMemoryRequest },
      limits: {
        memory: flags.sidecarMemoryLimit,
        ...(flags.sidecarCpuLimit ? { cpu: flags.sidecarCpuLimit } : {}),
      },
    },
  };
}
