// The AdmissionClusterView the webhook server hands its handlers: Namespaces, DataResidencyPolicies,
// FallbackRoutes, TokenBudgets, ApprovalPolicies, AgentApprovals and EvaluationGates from the operator's shared informers (the controllers watch the
// same resources, so the caches are the same ones, warm on every replica), and ConfigMaps read from
// the API server on demand — they are many and rarely needed — behind a small cache with a short
// lifetime, so a burst of pods referencing one ConfigMap costs one GET.
import { LRUCache } from 'lru-cache';
import {
  agentApprovals,
  approvalPolicies,
  dataResidencyPolicies,
  evaluationGates,
  fallbackRoutes,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import {
  ALIAS_SLICES_SELECTOR,
  mayBeServiceAlias,
  serviceLookupOf,
} from '../../residency/cluster-service-aliases.js';
import type { InformerSet } from '../../runtime/informer/informer-set.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { configMaps, endpointSlices, namespaces, services } from '../../runtime/kube/resources.js';
import type { AdmissionClusterView } from './admission-cluster-view.js';

export interface InformerClusterViewOptions {
  informers: InformerSet;
  client: KubeClient;
  exemptNamespaces: Iterable<string>;
  /** How long a ConfigMap read is reused; default 5 s. */
  configMapTtlMs?: number;
  /** ConfigMaps kept; default 1,000. */
  configMapCacheSize?: number;
  /** Longest a ConfigMap read may take before the review fails; default 2 s (the API server waits 5). */
  configMapTimeoutMs?: number;
}

export interface InformerClusterView extends AdmissionClusterView {
  /** Every cache the view reads has listed once (serve only then: an empty cache would allow anything). */
  waitForSync(signal?: AbortSignal): Promise<void>;
}

type ConfigMapData = Record<string, string>;
/** `null`: the ConfigMap does not exist (cached too: a missing optional ConfigMap is common). */
type Cached = { data: ConfigMapData | null; binaryData?: ConfigMapData };

export function informerClusterView(options: InformerClusterViewOptions): InformerClusterView {
  const { informers, client } = options;
  const caches = {
    namespaces: informers.informer({ resource: namespaces }),
    policies: informers.informer({ resource: dataResidencyPolicies }),
    routes: informers.informer({ resource: fallbackRoutes }),
    budgets: informers.informer({ resource: tokenBudgets }),
    // The Services that may stand for an external host and the EndpointSlices not made from a
    // selector (residency/cluster-service-aliases.ts): the same selections as the residency audit's
    // watches, so both read one cache.
    services: informers.informer({ resource: services, filter: mayBeServiceAlias }),
    slices: informers.informer({ resource: endpointSlices, labelSelector: ALIAS_SLICES_SELECTOR }),
    approvalPolicies: informers.informer({ resource: approvalPolicies }),
    approvals: informers.informer({ resource: agentApprovals }),
    gates: informers.informer({ resource: evaluationGates }),
  };
  const serviceAlias = serviceLookupOf({
    service: (namespace, name) => caches.services.cache.get({ namespace, name }),
    slices: (namespace) => caches.slices.cache.list(namespace),
  });
  const timeoutMs = options.configMapTimeoutMs ?? 2_000;
  const configMapCache = new LRUCache<string, Cached>({
    max: options.configMapCacheSize ?? 1_000,
    ttl: options.configMapTtlMs ?? 5_000,
    fetchMethod: async (key, _stale, { signal }) => {
      const [namespace, name] = JSON.parse(key) as [string, string];
      const timeout = AbortSignal.timeout(timeoutMs);
      const bound = client.withSignal(signal).withSignal(timeout);
      try {
        const configMap = await bound.get(configMaps, { namespace, name });
        if (!configMap) return { data: null };
        return {
          data: { ...(configMap.data ?? {}) },
          ...(configMap.binaryData ? { binaryData: { ...configMap.binaryData } } : {}),
        };
      } catch (err) {
        if (timeout.aborted) {
          throw new Error(`reading ConfigMap ${namespace}/${name} took longer than ${timeoutMs} ms`);
        }
        throw new Error(`cannot read ConfigMap ${namespace}/${name}: ${(err as Error).message}`);
      }
    },
  });

  return {
    exemptNamespaces: new Set(options.exemptNamespaces),
    namespace(name) {
      const namespace = caches.namespaces.cache.get({ name });
      // Not copied: handlers only read (the contract), and this runs for every review.
      return namespace ? { name, labels: namespace.metadata?.labels ?? {} } : undefined;
    },
    namespaces: () =>
      caches.namespaces.cache
        .list()
        .map((n) => ({ name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} })),
    async configMapData(namespace, name) {
      const cached = await configMapCache.fetch(JSON.stringify([namespace, name]));
      return cached?.data ?? undefined;
    },
    async configMapContent(namespace, name) {
      const cached = await configMapCache.fetch(JSON.stringify([namespace, name]));
      if (!cached?.data) return undefined;
      return { data: cached.data, ...(cached.binaryData ? { binaryData: cached.binaryData } : {}) };
    },
    approvalPolicies: () => caches.approvalPolicies.cache.list(),
    agentApprovals: (namespace) => caches.approvals.cache.list(namespace),
    residencyPolicies: () => caches.policies.cache.list(),
    fallbackRoutes: (namespace) => caches.routes.cache.list(namespace),
    tokenBudgets: (namespace) => caches.budgets.cache.list(namespace),
    evaluationGates: (namespace) => caches.gates.cache.list(namespace),
    serviceAlias,
    async waitForSync(signal) {
      await Promise.all(Object.values(caches).map((informer) => informer.waitForSync(signal)));
    },
  };
}
