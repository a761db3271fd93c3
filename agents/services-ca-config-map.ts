// The ConfigMap `agent-governor-services-ca` (key `ca.crt`) in each namespace with agents: the CA
// bundle the injected sidecars verify the sidecar services' certificate against, mounted into the
// sidecar like Kubernetes' own kube-root-ca.crt (docs/adr/0036). What to write, from what is there.
// Pure.
import type { ConfigMap } from '../runtime/kube/resources.js';

export const SERVICES_CA_CONFIG_MAP = 'agent-governor-services-ca';
export const SERVICES_CA_KEY = 'ca.crt';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

export type CaConfigMapChange =
  | { kind: 'create'; configMap: ConfigMap }
  | { kind: 'update'; configMap: ConfigMap }
  | { kind: 'none' }
  /** A ConfigMap of that name someone else made: left alone, with this message. */
  | { kind: 'foreign'; message: string };

/** What to write in `namespace` so that its ConfigMap holds `bundle`. */
export function caConfigMapChange(
  namespace: string,
  bundle: string,
  existing: ConfigMap | undefined,
): CaConfigMapChange {
  const labels = {
    [MANAGED_BY]: 'agent-governor',
    'app.kubernetes.io/component': 'sidecar-services',
  };
  if (!existing) {
    return {
      kind: 'create',
      configMap: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: SERVICES_CA_CONFIG_MAP, namespace, labels },
        data: { [SERVICES_CA_KEY]: bundle },
      },
    };
  }
  if (existing.metadata?.labels?.[MANAGED_BY] !== 'agent-governor') {
    return {
      kind: 'foreign',
      message:
        `ConfigMap ${namespace}/${SERVICES_CA_CONFIG_MAP} exists and is not managed by agent-governor ` +
        `(label ${MANAGED_BY}); the sidecars of this namespace cannot verify the operator until it is removed`,
    };
  }
  const data = existing.data ?? {};
  if (data[SERVICES_CA_KEY] === bundle && Object.keys(data).length === 1) return { kind: 'none' };
  return {
    kind: 'update',
    configMap: { ...existing, data: { [SERVICES_CA_KEY]: bundle } },
  };
}
