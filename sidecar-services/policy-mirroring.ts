// The operator's half when a services Deployment serves the sidecars (`--sidecar-services-external`,
// docs/adr/0061): no port, but the policies the controllers publish still reach the ConfigMap
// mirrors the replicas serve from — restored on start so versions stay monotonic, written by the
// leader only, paced as always (mirror-pacing.ts). And the replicas' view of those mirrors: one
// informer on the mirrors' label, every namespace.
import { POLICY_MIRROR_SELECTOR } from '../agents/policy-config-map.js';
import type { Informer } from '../runtime/informer/informer.js';
import type { InformerSet } from '../runtime/informer/informer-set.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { type ConfigMap, configMaps } from '../runtime/kube/resources.js';
import type { ServiceContext } from '../runtime/manager/operator-service.js';
import { PolicyMirror } from './policy-mirror.js';
import { restorePoliciesInBackground } from './policy-restore.js';
import type { PolicyStore } from './policy-store.js';

export interface PolicyMirroringOptions {
  kube: KubeClient;
  store: PolicyStore;
  context: Pick<ServiceContext, 'isLeader' | 'log'>;
  /** Restore the store from the mirrors on start; default true. */
  restore?: boolean;
  mirrorDebounceMs?: number;
  mirrorCountersDebounceMs?: number;
}

export interface PolicyMirroring {
  flushMirror(): Promise<void>;
  close(graceMs?: number): Promise<void>;
}

/** Restores the store from the mirrors, then writes every publish into them while this process leads. */
export async function startPolicyMirroring(options: PolicyMirroringOptions): Promise<PolicyMirroring> {
  const { kube, store, context } = options;
  const stopping = new AbortController();
  const mirror = new PolicyMirror({
    client: kube,
    store,
    isLeader: () => context.isLeader(),
    logger: context.log,
    ...(options.mirrorDebounceMs !== undefined ? { debounceMs: options.mirrorDebounceMs } : {}),
    ...(options.mirrorCountersDebounceMs !== undefined
      ? { countersDebounceMs: options.mirrorCountersDebounceMs }
      : {}),
  });
  if (options.restore ?? true) {
    await restorePoliciesInBackground(kube, store, context.log, stopping.signal);
  }
  mirror.start();
  return {
    flushMirror: () => mirror.flush(),
    async close() {
      stopping.abort();
      await mirror.stop();
    },
  };
}

/** The shared informer of every policy mirror (`governor-policy-<agent>`), all namespaces. */
export function mirrorInformer(informers: InformerSet): Informer<ConfigMap> {
  return informers.informer({ resource: configMaps, labelSelector: POLICY_MIRROR_SELECTOR });
}
