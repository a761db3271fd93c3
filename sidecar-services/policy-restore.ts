// On start, the store is filled from the ConfigMap mirrors the previous leader wrote, so versions
// stay monotonic across operator restarts and a sidecar that starts before the controllers have
// compiled anything still gets the last known policy.
import type { Logger } from 'pino';
import { POLICY_MIRROR_SELECTOR, policyInConfigMap } from '../agents/policy-config-map.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { configMaps } from '../runtime/kube/resources.js';
import type { PolicyStore } from './policy-store.js';

export interface RestoredPolicies {
  /** Mirrors read. */
  read: number;
  /** Policies taken into the store (the rest were older than what it had). */
  restored: number;
  /** Mirrors that could not be used, one line each naming the ConfigMap and the fault. */
  problems: string[];
}

/** Lists every policy mirror (all namespaces) and restores each valid one into the store. */
export async function restorePolicies(client: KubeClient, store: PolicyStore): Promise<RestoredPolicies> {
  const mirrors = await client.list(configMaps, { labelSelector: POLICY_MIRROR_SELECTOR });
  const result: RestoredPolicies = { read: mirrors.length, restored: 0, problems: [] };
  for (const configMap of mirrors) {
    const mirrored = policyInConfigMap(configMap);
    if (!mirrored.ok) result.problems.push(mirrored.problem);
    else if (store.restore(mirrored.policy)) result.restored++;
  }
  return result;
}

/**
 * restorePolicies, retried with backoff until it succeeds or `signal` fires. Resolves after the
 * first attempt either way, so serving never waits on an unreachable API server; later attempts run
 * in the background.
 */
export async function restorePoliciesInBackground(
  client: KubeClient,
  store: PolicyStore,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const attempt = async (): Promise<boolean> => {
    try {
      const result = await restorePolicies(client.withSignal(signal), store);
      for (const problem of result.problems) logger.warn({ problem }, 'policy mirror not restored');
      logger.info(
        { read: result.read, restored: result.restored },
        'policies restored from their ConfigMap mirrors',
      );
      return true;
    } catch (err) {
      if (!signal.aborted) {
        logger.warn(
          { error: (err as Error).message },
          'cannot restore policies from their ConfigMap mirrors yet',
        );
      }
      return false;
    }
  };
  if (await attempt()) return;
  void (async () => {
    for (let failures = 1; !signal.aborted; failures++) {
      await abortableSleep(Math.min(30_000, 500 * 2 ** failures), signal);
      if (signal.aborted || (await attempt())) return;
    }
  })();
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
