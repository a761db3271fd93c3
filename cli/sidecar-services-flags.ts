// The `--sidecar-services-*` flags of `agent-governor operator`: the port of the policy long-poll and
// usage ingest, and where their TLS certificate comes from — the same three modes as the admission
// webhooks (docs/adr/0018): the operator's own CA in a Secret of its namespace, rotated
// (`self-signed`, the default), or a pair someone else keeps in a directory (`cert-manager`,
// `files`). Plain HTTP only with `--sidecar-services-insecure-plain-http` (docs/adr/0036).
import { isIP } from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ServiceContext } from '../runtime/manager/operator-service.js';
import { LEASE_MS } from '../sidecar-services/budget-lease-book.js';
import type { ServicesTlsSource } from '../sidecar-services/sidecar-services-service.js';
import { CertificateFiles } from '../webhooks/tls/certificate-files.js';
import { defaultCertificatePolicy, withLifetimes } from '../webhooks/tls/rotation-plan.js';
import { WebhookCertificateKeeper } from '../webhooks/tls/webhook-certificate-keeper.js';
import type { TlsIdentity } from '../webhooks/tls/webhook-tls-secret.js';
import { port } from './option-values.js';

export interface SidecarServicesFlags {
  sidecarServices: boolean;
  sidecarServicesPort: number;
  sidecarServicesCertMode: 'self-signed' | 'cert-manager' | 'files';
  sidecarServicesCertDir: string;
  sidecarServicesInsecurePlainHttp: boolean;
  sidecarServicesExternal: boolean;
  maxLongPollWaiters: number;
  budgetLeaseSeconds: number;
}

export const DEFAULT_SIDECAR_SERVICES_CERT_DIR = '/var/run/agent-governor/sidecar-services-tls';
/** The chart's Service in front of the sidecar services (its names go into the certificate). */
export const SIDECAR_SERVICES_SERVICE = 'agent-governor';
/** The chart's Service in front of the `agent-governor services` replicas (docs/adr/0061). */
export const SERVICES_REPLICAS_SERVICE = 'agent-governor-services';

/**
 * Long-polls one process holds at once; past it, 503 with Retry-After. Measured by
 * `npm run bench:waiters` (bench/long-poll-waiters.ts, docs/services-replicas.md): about 75 MiB of
 * RSS per 1,000 held HTTPS long-polls on Node 24 (the image's), 47 MiB on Node 20 — so the default
 * costs about 750 MiB at its limit.
 */
export const DEFAULT_MAX_LONG_POLL_WAITERS = 10_000;

export function maxLongPollWaitersOption(): Option {
  return new Option(
    '--max-long-poll-waiters <count>',
    'policy long-polls held at once (one per sidecar); past it a poll is answered 503 with Retry-After. ' +
      'Measured: about 75 MiB of RSS per 1,000 held over HTTPS on Node 24 (npm run bench:waiters)',
  )
    .default(DEFAULT_MAX_LONG_POLL_WAITERS)
    .argParser(positiveCount);
}

/** A budget lease far from a threshold: the book's own default (docs/adr/0062); near one it is always 1 s. */
const DEFAULT_BUDGET_LEASE_SECONDS = LEASE_MS / 1000;
const BUDGET_LEASE_SECONDS_RANGE = { min: 2, max: 60 } as const;

/**
 * With the Redis usage store: how long a sidecar's budget lease lasts far from a threshold. Holders
 * renew at half of it, so a budget's books are asked holders ÷ (seconds / 2) times a second; longer
 * leases mean fewer asks and larger slices set aside (docs/scale.md measures both).
 */
export function budgetLeaseSecondsOption(): Option {
  return new Option(
    '--budget-lease-seconds <seconds>',
    'with --usage-store redis: how long a budget lease lasts far from a threshold (near one, 1 s). Each sidecar ' +
      'asks again at half of it: longer leases mean fewer asks per second and larger slices set aside',
  )
    .default(DEFAULT_BUDGET_LEASE_SECONDS)
    .argParser(budgetLeaseSeconds);
}

function budgetLeaseSeconds(text: string): number {
  const value = Number(text);
  const { min, max } = BUDGET_LEASE_SECONDS_RANGE;
  if (!/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new InvalidArgumentError(
      `must be a whole number of seconds from ${min} to ${max} (longer than the 1-s lease near a threshold), e.g. 10; got ${text}`,
    );
  }
  return value;
}

function positiveCount(text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < 1 || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError('must be a whole number of at least 1, e.g. 10000');
  }
  return value;
}

/** The self-signed mode's Secret and names: the webhooks' layout and rotation, a CA of its own. */
export const SIDECAR_SERVICES_TLS_IDENTITY: TlsIdentity = {
  secretName: 'agent-governor-sidecar-services-tls',
  servingSubject: 'CN=agent-governor-sidecar-services',
  caName: 'agent-governor-sidecar-services-ca',
  component: 'sidecar-services',
  what: 'sidecar services certificate',
};

export function addSidecarServicesOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--sidecar-services-port <port>',
        'port of the policy long-poll and usage ingest the sidecars call (on --bind-address)',
      )
        .default(8443)
        .argParser(port),
    )
    .addOption(
      new Option(
        '--sidecar-services-cert-mode <mode>',
        'TLS of the sidecar services. self-signed: own CA and certificate in Secret ' +
          `${SIDECAR_SERVICES_TLS_IDENTITY.secretName}, rotated like the webhook's (--webhook-cert-lifetime, ` +
          '--webhook-ca-lifetime), its bundle published as ConfigMap agent-governor-services-ca in every agent ' +
          'namespace; cert-manager / files: tls.crt, tls.key and ca.crt from --sidecar-services-cert-dir (watched)',
      )
        .choices(['self-signed', 'cert-manager', 'files'])
        .default('self-signed'),
    )
    .addOption(
      new Option(
        '--sidecar-services-cert-dir <dir>',
        'directory of tls.crt, tls.key and ca.crt (cert-manager and files modes)',
      ).default(DEFAULT_SIDECAR_SERVICES_CERT_DIR),
    )
    .addOption(
      new Option(
        '--sidecar-services-insecure-plain-http',
        'serve the sidecar services over plain HTTP: ServiceAccount tokens, policies and usage cross the ' +
          'network in clear (logged as a warning at start)',
      ).default(false),
    )
    .addOption(new Option('--no-sidecar-services', 'do not serve sidecars (policies, usage)'))
    .addOption(
      new Option(
        '--sidecar-services-external',
        'an `agent-governor services` Deployment serves the sidecars (docs/services-replicas.md): this operator ' +
          'opens no sidecar-services port; it still writes the policy mirrors the replicas serve from, keeps ' +
          'the certificate and publishes its CA bundle',
      ).default(false),
    )
    .addOption(maxLongPollWaitersOption())
    .addOption(budgetLeaseSecondsOption());
}

/**
 * The TLS source of the services for `flags`, or undefined for plain HTTP. `names` are the hosts
 * sidecars dial besides the Service (the injected URL's host, a specific bind address).
 */
export function sidecarServicesTls(
  flags: SidecarServicesFlags & {
    webhookCertLifetime: number;
    webhookCaLifetime: number;
    webhookCertPollInterval: number;
  },
  names: readonly string[],
): ((context: ServiceContext) => ServicesTlsSource) | undefined {
  if (flags.sidecarServicesInsecurePlainHttp) return undefined;
  if (flags.sidecarServicesCertMode !== 'self-signed') {
    const dir = flags.sidecarServicesCertDir;
    return (context) =>
      withRequiredBundle(
        new CertificateFiles({
          dir,
          log: context.log,
          pollMs: flags.webhookCertPollInterval,
          what: SIDECAR_SERVICES_TLS_IDENTITY.what,
          dirFlag: '--sidecar-services-cert-dir',
        }),
        dir,
      );
  }
  return (context) => {
    const hosts = [...new Set(names)];
    const policy = defaultCertificatePolicy({
      dnsNames: [...serviceNames(context.namespace), ...hosts.filter((h) => isIP(h) === 0)],
      ipAddresses: hosts.filter((h) => isIP(h) !== 0),
    });
    return new WebhookCertificateKeeper({
      client: context.client,
      informers: context.informers,
      namespace: context.namespace,
      log: context.log,
      now: context.now,
      policy: {
        ...withLifetimes(policy, flags.webhookCaLifetime, flags.webhookCertLifetime),
        identity: SIDECAR_SERVICES_TLS_IDENTITY,
      },
    });
  };
}

/**
 * `agent-governor.<ns>.svc`, `agent-governor-services.<ns>.svc` and their `.cluster.local` forms:
 * the operator's Service and the services replicas' (one certificate serves both).
 */
export function serviceNames(namespace: string): string[] {
  return [SIDECAR_SERVICES_SERVICE, SERVICES_REPLICAS_SERVICE].flatMap((service) => [
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ]);
}

/** The hosts the certificate must name beside the Service: the injected URL's, a specific bind address. */
export function certificateHosts(operatorUrl: string | undefined, bindAddress: string): string[] {
  const hosts: string[] = [];
  if (operatorUrl) hosts.push(new URL(operatorUrl).hostname.replace(/^\[(.*)\]$/, '$1'));
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::') hosts.push(bindAddress);
  return hosts;
}

/**
 * The sidecars verify the services against a CA bundle; a directory without `ca.crt` would leave
 * them nothing to verify against, so the operator refuses to start with it.
 */
function withRequiredBundle(source: CertificateFiles, dir: string): ServicesTlsSource {
  return {
    async start() {
      await source.start();
      if (!source.caBundle()) {
        await source.stop();
        throw new Error(
          `--sidecar-services-cert-dir ${dir} holds no ca.crt: the sidecars verify the sidecar services against it ` +
            '(cert-manager writes it into the Secret; in files mode put the issuing CA there)',
        );
      }
    },
    stop: () => source.stop(),
    current: () => source.current(),
    caBundle: () => source.caBundle(),
    onChange: (listener) => source.onChange(listener),
  };
}

/** The injected URL must speak what the services serve. */
export function checkOperatorUrl(operatorUrl: string | undefined, tls: boolean): void {
  if (!operatorUrl) return;
  const https = operatorUrl.startsWith('https:');
  if (tls && !https) {
    throw new Error(
      `--sidecar-operator-url ${operatorUrl} is plain HTTP but the sidecar services serve HTTPS: give https://…, ` +
        'or --sidecar-services-insecure-plain-http to serve plain HTTP',
    );
  }
  if (!tls && https) {
    throw new Error(
      `--sidecar-operator-url ${operatorUrl} is https but --sidecar-services-insecure-plain-http serves plain HTTP: give http://…`,
    );
  }
}
