// The ServiceAccounts an agent's pods run as: `spec.serviceAccountName` of each of its workloads' pod
// templates (`default` when unset, as the API server defaults it). The sidecar services accept a
// sidecar's token for an agent only when its ServiceAccount is one of these (docs/adr/0036). Pure.
import type { Agent, PodTemplate } from './agent-discovery.js';

/** What the API server runs a pod as when its template names no ServiceAccount. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** The ServiceAccount a pod template runs as (`serviceAccount` is the deprecated spelling). */
export function serviceAccountOfTemplate(template: PodTemplate | undefined): string {
  const spec = template?.spec as { serviceAccountName?: unknown; serviceAccount?: unknown } | undefined;
  const named = spec?.serviceAccountName ?? spec?.serviceAccount;
  return typeof named === 'string' && named !== '' ? named : DEFAULT_SERVICE_ACCOUNT;
}

/** Every ServiceAccount the agent's workloads run as, sorted; empty for an agent without workloads. */
export function agentServiceAccounts(agent: Agent | undefined): string[] {
  if (!agent) return [];
  return [...new Set(agent.workloads.map((w) => serviceAccountOfTemplate(w.template)))].sort();
}
