// The sidecar services as a service of the operator runtime (runtime/manager/operator-service.ts):
// they run from start-up to shutdown on leader and standby alike — a standby answers 503 with
// Retry-After, so a sidecar that reaches it backs off and retries instead of failing to connect.
import { agentServiceAccounts } from '../agents/agent-service-accounts.js';
import { isAgentWorkload } from '../agents/agent-workload.js';
import { agentInCaches, agentWorkloadKinds } from '../agents/agent-workload-watches.js';
import type { InformerSet } from '../runtime/informer/informer-set.js';
import type { ObjectCache } from '../runtime/informer/object-store.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import type { OperatorService } from '../runtime/manager/operator-service.js';
import type { AgentAccounts } from './agent-binding.js';
import {
  type SidecarServices,
  type SidecarServicesOptions,
  startSidecarServices,
} from './sidecar-services.js';

export type SidecarServicesServiceOptions = Omit<
  SidecarServicesOptions,
  'kube' | 'isLeader' | 'logger' | 'registry' | 'agentAccounts'
> & {
  /** How long shutdown lets usage posts in flight finish; default 5 s. */
  shutdownGraceMs?: number;
  /** Called once the services listen (their URL and port, e.g. for the start-up line or a test). */
  onListening?: (services: SidecarServices) => void;
};

export function sidecarServicesService(options: SidecarServicesServiceOptions): OperatorService {
  return {
    name: 'sidecar-services',
    leaderOnly: false,
    async run(context) {
      const services = await startSidecarServices({
        now: context.now,
        ...options,
        kube: context.client,
        agentAccounts: agentAccountsFromCaches(context.informers),
        isLeader: () => context.isLeader(),
        logger: context.log,
        registry: context.registry,
      });
      options.onListening?.(services);
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) return resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await services.close(options.shutdownGraceMs);
    },
  };
}

/**
 * The binding of agents to ServiceAccounts from the workload informers every controller shares
 * (same resource and filter: the same caches, no extra watch), read at each request so a rollout
 * to another ServiceAccount binds the new one as soon as the cache sees it.
 */
export function agentAccountsFromCaches(
  informers: InformerSet,
): (namespace: string, agent: string) => AgentAccounts {
  const byResource = new Map(
    agentWorkloadKinds.map(({ resource }) => [
      resource as ResourceType<KubeObject>,
      informers.informer({ resource, filter: isAgentWorkload }),
    ]),
  );
  const workloadInformers = [...byResource.values()];
  const cache = <T extends KubeObject>(resource: ResourceType<T>) => {
    const informer = byResource.get(resource as ResourceType<KubeObject>);
    if (!informer) throw new Error(`no agent workload informer for ${resource.plural}`);
    return informer.cache as unknown as ObjectCache<T>;
  };
  return (namespace, agent) => ({
    synced: workloadInformers.every((informer) => informer.hasSynced()),
    serviceAccounts: agentServiceAccounts(agentInCaches(cache, namespace, agent)),
  });
}
