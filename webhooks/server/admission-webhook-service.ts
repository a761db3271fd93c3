// The admission webhooks as a service of the operator runtime (runtime/manager/operator-service.ts):
// on every replica, not only the leader — the API server calls whichever replica the Service picks.
// Start-up order: the caches the handlers read have listed (an empty cache would allow anything),
// a serving certificate is at hand, the server listens, then the API server is told (caBundle or
// whole configurations). A rotation swaps the certificate in place and republishes the bundle.
import { isIP } from 'node:net';
import type { OperatorService, ServiceContext } from '../../runtime/manager/operator-service.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import type { AdmissionHandler } from '../admission/admission-review.js';
import { informerClusterView } from '../admission/informer-cluster-view.js';
import type { FailurePolicy } from '../registration/webhook-configurations.js';
import { webhookServiceNames } from '../registration/webhook-names.js';
import {
  chartRegistration,
  selfRegistration,
  type WebhookRegistration,
} from '../registration/webhook-registration.js';
import { certificateFacts } from '../tls/certificate-facts.js';
import { CertificateFiles } from '../tls/certificate-files.js';
import { defaultCertificatePolicy, withLifetimes } from '../tls/rotation-plan.js';
import type { TlsSource, WebhookCertMode } from '../tls/serving-tls.js';
import { WebhookCertificateKeeper } from '../tls/webhook-certificate-keeper.js';
import { type AdmissionServer, startAdmissionServer } from './admission-server.js';

export interface AdmissionWebhookServiceOptions {
  /** Address to listen on. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  certificates:
    | {
        mode: 'self-signed';
        /** Names (IPs or DNS names) the certificate carries beside the Service's; self registration's host is added. */
        hosts?: string[];
        /** Default 5 years and 90 days. */
        caLifetimeMs?: number;
        servingLifetimeMs?: number;
      }
    | { mode: Exclude<WebhookCertMode, 'self-signed'>; dir: string; pollMs?: number };
  registration:
    | { mode: 'chart' }
    | {
        mode: 'self';
        /** How the API server reaches this process: an IP or a DNS name (also put in the certificate). */
        host: string;
        failurePolicy: FailurePolicy;
      };
  /** The in-cluster Service, whose names the self-signed certificate carries; default agent-governor-webhook. */
  serviceName?: string;
  /**
   * The handlers to serve, given the view of the cluster they may read and the service's context
   * (for recording refusals in the background: handlers themselves never write).
   */
  handlers: (view: AdmissionClusterView, context: ServiceContext) => AdmissionHandler[];
  /** Once the server listens (its URL, for the start-up line and tests). */
  onListening?: (server: AdmissionServer) => void;
  /** How long shutdown lets reviews in flight finish; default 5 s. */
  shutdownGraceMs?: number;
}

export function admissionWebhookService(options: AdmissionWebhookServiceOptions): OperatorService {
  return {
    name: 'admission-webhooks',
    leaderOnly: false,
    async run(context) {
      const { client, informers, log, namespace, signal } = context;
      const view = informerClusterView({ informers, client, exemptNamespaces: [namespace, 'kube-system'] });
      const handlers = options.handlers(view, context);
      let onRotation: () => void = () => {};
      const tls = tlsSource(options, context.namespace, {
        client,
        informers,
        log,
        now: context.now,
        onRotation: () => onRotation(),
      });
      try {
        await view.waitForSync(signal);
        await tls.start();
      } catch (err) {
        // Asked to stop while starting: not a failure.
        if (signal.aborted) return await tls.stop();
        throw err;
      }
      const server = await startAdmissionServer({
        host: options.host,
        port: options.port,
        tls: tls.current(),
        handlers,
        log,
        registry: context.registry,
      });
      onRotation = () => server.metrics.certificateRotations.inc();
      const expiry = () =>
        server.metrics.certificateExpiry.set(certificateFacts(tls.current().cert).notAfter.getTime() / 1000);
      expiry();
      const registration = registrationFor(options, server.port, context);
      // cert-manager's CA injector publishes the bundle; files mode: only if the directory has ca.crt.
      const bundle = () => (options.certificates.mode === 'cert-manager' ? undefined : tls.caBundle());
      const unsubscribe = tls.onChange(() => {
        server.setTls(tls.current());
        expiry();
        registration
          ?.publish(bundle())
          .catch((err: unknown) =>
            log.error({ err: (err as Error).message }, 'could not publish the new caBundle'),
          );
      });
      try {
        await registration?.start(bundle());
        options.onListening?.(server);
        await new Promise<void>((resolve) => {
          if (signal.aborted) return resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        unsubscribe();
        await registration?.stop();
        await server.close(options.shutdownGraceMs);
        await tls.stop();
      }
    },
  };
}

function tlsSource(
  options: AdmissionWebhookServiceOptions,
  namespace: string,
  parts: Pick<
    ConstructorParameters<typeof WebhookCertificateKeeper>[0],
    'client' | 'informers' | 'log' | 'now' | 'onRotation'
  >,
): TlsSource {
  const certificates = options.certificates;
  if (certificates.mode !== 'self-signed') {
    return new CertificateFiles({
      dir: certificates.dir,
      log: parts.log,
      ...(certificates.pollMs ? { pollMs: certificates.pollMs } : {}),
    });
  }
  const hosts = [
    ...new Set([
      ...(certificates.hosts ?? []),
      ...(options.registration.mode === 'self' ? [options.registration.host] : []),
    ]),
  ];
  const names = {
    dnsNames: [...webhookServiceNames(namespace, options.serviceName), ...hosts.filter((h) => isIP(h) === 0)],
    ipAddresses: hosts.filter((h) => isIP(h) !== 0),
  };
  const defaults = defaultCertificatePolicy(names);
  const policy = withLifetimes(
    defaults,
    certificates.caLifetimeMs ?? defaults.caLifetimeMs,
    certificates.servingLifetimeMs ?? defaults.servingLifetimeMs,
  );
  return new WebhookCertificateKeeper({ ...parts, namespace, policy });
}

function registrationFor(
  options: AdmissionWebhookServiceOptions,
  port: number,
  context: Parameters<OperatorService['run']>[0],
): WebhookRegistration | undefined {
  const registration = options.registration;
  if (registration.mode === 'self') {
    const host = isIP(registration.host) === 6 ? `[${registration.host}]` : registration.host;
    return selfRegistration({
      client: context.client,
      log: context.log,
      configuration: {
        baseUrl: `https://${host}:${port}`,
        failurePolicy: registration.failurePolicy,
        exemptNamespaces: [context.namespace, 'kube-system'],
      },
    });
  }
  // In cluster the chart owns the configurations; their caBundle is ours only when we made the CA.
  if (options.certificates.mode !== 'self-signed') return undefined;
  return chartRegistration({ client: context.client, informers: context.informers, log: context.log });
}
