// Which DataResidencyPolicies apply to a namespace: those whose namespaceSelector matches the
// namespace's labels, except in the operator's own namespace and kube-system, which are exempt so
// the cluster can never lock itself out: a policy selecting every namespace must not refuse the
// operator's own pods or the system's (ARCHITECTURE.md, "Data residency"). Pure.
import type { DataResidencyPolicy } from '../apis/data-residency-policy.js';
import { matchesSelector } from '../apis/label-selector-match.js';

export interface ResidencyScope {
  /** The operator's own namespace (exempt). */
  operatorNamespace: string;
}

export function isExemptNamespace(namespace: string, scope: ResidencyScope): boolean {
  return namespace === scope.operatorNamespace || namespace === 'kube-system';
}

/** The policies that apply to `namespace`, sorted by name (the order the effective policy lists them). */
export function residencyPoliciesFor(
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  policies: readonly DataResidencyPolicy[],
  scope: ResidencyScope,
): DataResidencyPolicy[] {
  if (isExemptNamespace(namespace, scope)) return [];
  // The API server labels every namespace with its name; tolerate a cache entry from before that.
  const labels = { 'kubernetes.io/metadata.name': namespace, ...(namespaceLabels ?? {}) };
  return policies
    .filter((p) => !p.metadata?.deletionTimestamp && matchesSelector(p.spec?.namespaceSelector, labels))
    .sort((a, b) => byName(a.metadata?.name, b.metadata?.name));
}

function byName(a: string | undefined, b: string | undefined): number {
  return (a ?? '').localeCompare(b ?? '');
}
