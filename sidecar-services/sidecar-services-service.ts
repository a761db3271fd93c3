// The sidecar services as a service of the operator runtime (runtime/manager/operator-service.ts):
// they run from start-up to shutdown on leader and standby alike — a standby answers 503 with
// Retry-After, so a sidecar that reaches it backs off and retries instead of failing to connect.
// With a TLS source (the operator's default, docs/adr/0036) they serve HTTPS, take a rotated
// certificate without a restart, and the leader publishes the CA bundle into every agent namespace.
// Each agent is bound to the ServiceAccounts its workloads run as, read from the workload caches the
// controllers share.
import { agentServiceAccounts } from '../agents/agent-service-accounts.js';
import { isAgentWorkload } from '../agents/agent-workload.js';
import { agentInCaches, agentWorkloadKinds } from '../agents/agent-workload-watches.js';
import type { Informer } from '../runtime/informer/informer.js';
import type { InformerSet } from '../runtime/informer/informer-set.js';
import type { ObjectCache } from '../runtime/informer/object-store.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import type { OperatorService, ServiceContext } from '../runtime/manager/operator-service.js';
import type { AgentAccounts } from './agent-binding.js';
import { followPolicyMirrors } from './policy-mirror-follower.js';
import { mirrorInformer, type PolicyMirroring, startPolicyMirroring } from './policy-mirroring.js';
import { secondsSincePublish } from './policy-version.js';
import { ServicesCaPublisher } from './services-ca-publisher.js';
import {
  type SidecarServices,
  type SidecarServicesOptions,
  type SidecarServicesTls,
  startSidecarServices,
} from './sidecar-services.js';
import { createSidecarServicesMetrics } from './sidecar-services-metrics.js';

/** Where the serving certificate comes from (the operator's own CA, cert-manager's or any files). */
export interface ServicesTlsSource {
  /** Resolves once a certificate is at hand. */
  start(): Promise<void>;
  stop(): Promise<void>;
  current(): SidecarServicesTls;
  /** The PEM bundle sidecars must trust; undefined when none is known. */
  caBundle(): string | undefined;
  /** Called after the certificate or the bundle changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export type SidecarServicesServiceOptions = Omit<
  SidecarServicesOptions,
  'kube' | 'isLeader' | 'logger' | 'registry' | 'agentAccounts' | 'tls'
> & {
  /** HTTPS: the certificate's source, made with the service's context. Without it: plain HTTP. */
  tls?: (context: ServiceContext) => ServicesTlsSource;
  /** How long shutdown lets usage posts in flight finish; default 5 s. */
  shutdownGraceMs?: number;
  /** Called once the services listen (their URL and port, e.g. for the start-up line or a test). */
  onListening?: (services: SidecarServices) => void;
  /**
   * `all` (default): the operator serves the sidecars and keeps the policy mirrors and the CA bundle.
   * `publish`: a services Deployment serves them; this operator only writes the mirrors (from the
   * store the controllers publish to), keeps the certificate and publishes the CA bundle.
   * `serve`: a services replica (`agent-governor services`): it serves from the mirrors it watches
   * and writes only ledgers (docs/adr/0061).
   */
  role?: 'all' | 'publish' | 'serve';
};

export function sidecarServicesService(options: SidecarServicesServiceOptions): OperatorService {
  return {
    name: 'sidecar-services',
    leaderOnly: false,
    async run(context) {
      const workloads = agentWorkloadInformers(context.informers);
      const tls = options.tls?.(context);
      if (tls) {
        try {
          await tls.start();
        } catch (err) {
          if (context.signal.aborted) return await tls.stop();
          throw err;
        }
      }
      const role = options.role ?? 'all';
      const arrivals = createSidecarServicesMetrics(context.registry).policyArrival;
      const { tls: _factory, role: _role, ...serviceOptions } = options;
      const unfollow =
        role === 'serve'
          ? followPolicyMirrors(
              mirrorInformer(context.informers),
              options.store,
              (problem) => context.log.warn({ problem }, 'policy mirror not served'),
              (policy, arrivedAtMs) => {
                const seconds = secondsSincePublish(policy.versionNumber, arrivedAtMs);
                if (seconds !== undefined) arrivals.observe(seconds);
              },
              () => context.now().getTime(),
            )
          : undefined;
      const services: SidecarServices | PolicyMirroring =
        role === 'publish'
          ? await startPolicyMirroring({ ...serviceOptions, kube: context.client, context })
          : await startSidecarServices({
              now: context.now,
              ...serviceOptions,
              ...(tls ? { tls: tls.current() } : {}),
              kube: context.client,
              isLeader: () => role === 'serve' || context.isLeader(),
              ...(role === 'serve' ? { mirror: false } : {}),
              logger: context.log,
              registry: context.registry,
              agentAccounts: agentAccountsFrom(workloads),
            });
      const publisher =
        tls && role !== 'serve'
          ? new ServicesCaPublisher({
              client: context.client,
              // And the operator's own, where the chart runs the gateway (docs/gateway.md).
              namespaces: () => namespacesWithAgents(workloads).add(context.namespace),
              isLeader: () => context.isLeader(),
              log: context.log,
            })
          : undefined;
      const unsubscribe = tls?.onChange(() => {
        if (isServing(services)) services.setTls(tls.current());
        publisher?.setBundle(tls.caBundle());
      });
      const unwatch = [...workloads.values()].map((informer) =>
        informer.on({ add: () => publisher?.kick() }),
      );
      publisher?.setBundle(tls?.caBundle());
      publisher?.start();
      if (isServing(services)) options.onListening?.(services);
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) return resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      for (const stop of unwatch) stop();
      unfollow?.();
      unsubscribe?.();
      await publisher?.stop();
      await services.close(options.shutdownGraceMs);
      await tls?.stop();
    },
  };
}

function isServing(services: SidecarServices | PolicyMirroring): services is SidecarServices {
  return 'url' in services;
}

type WorkloadInformers = Map<ResourceType<KubeObject>, Informer<KubeObject>>;

/** The agent workload informers every controller shares (same resource and filter: no extra watch). */
function agentWorkloadInformers(informers: InformerSet): WorkloadInformers {
  return new Map(
    agentWorkloadKinds.map(({ resource }) => [
      resource as ResourceType<KubeObject>,
      informers.informer({ resource, filter: isAgentWorkload }),
    ]),
  );
}

/**
 * The binding of agents to ServiceAccounts, read at each request so a rollout to another
 * ServiceAccount binds the new one as soon as the cache sees it.
 */
function agentAccountsFrom(
  workloads: WorkloadInformers,
): (namespace: string, agent: string) => AgentAccounts {
  const cache = <T extends KubeObject>(resource: ResourceType<T>) => {
    const informer = workloads.get(resource as ResourceType<KubeObject>);
    if (!informer) throw new Error(`no agent workload informer for ${resource.plural}`);
    return informer.cache as unknown as ObjectCache<T>;
  };
  const all = [...workloads.values()];
  return (namespace, agent) => ({
    synced: all.every((informer) => informer.hasSynced()),
    serviceAccounts: agentServiceAccounts(agentInCaches(cache, namespace, agent)),
  });
}

function namespacesWithAgents(workloads: WorkloadInformers): Set<string> {
  const namespaces = new Set<string>();
  for (const informer of workloads.values()) {
    for (const object of informer.cache.list()) {
      if (object.metadata?.namespace) namespaces.add(object.metadata.namespace);
    }
  }
  return namespaces;
}
