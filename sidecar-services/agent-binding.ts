// Which agent a sidecar's ServiceAccount may act for: only agents of its own namespace, and — when
// the operator knows the agents' workloads — only agents one of whose workloads runs as that
// ServiceAccount (pod template `serviceAccountName`, default `default`). A compromised pod then
// cannot read another agent's policy or spend its budget by reporting usage in its name
// (docs/adr/0036). Pure: the caller reads the caches.
import type { ServiceAccountIdentity } from './service-account-identity.js';
import type { ServiceError } from './service-answer.js';
import { namespaceMismatch } from './token-authenticator.js';

export type AgentAction =
  | 'read the policy of'
  | 'report usage of'
  | 'count calls of a trace of'
  | 'lease budgets of';

/** What the operator's caches say of an agent's workloads. */
export interface AgentAccounts {
  /** The workload caches have listed; before that no refusal is certain. */
  synced: boolean;
  /** The ServiceAccounts the agent's workloads run as (agents/agent-service-accounts.ts); empty: no workload. */
  serviceAccounts: readonly string[];
}

/**
 * The refusal for `identity` acting (`action`) for `agent`, or undefined when it may. `accounts`
 * undefined: no binding (services started without the workload caches) — the namespace check only.
 */
export function agentBindingRefusal(
  identity: ServiceAccountIdentity,
  agent: { namespace: string; name: string },
  action: AgentAction,
  accounts: AgentAccounts | undefined,
): ServiceError | undefined {
  const ref = `${agent.namespace}/${agent.name}`;
  if (identity.namespace !== agent.namespace) {
    return namespaceMismatch(identity, `${action} agent ${ref}`, agent.namespace);
  }
  if (!accounts) return undefined;
  if (!accounts.synced) {
    return {
      status: 503,
      code: 'unavailable',
      message: `the operator has not yet listed the workloads of agent ${ref}; retry`,
      retryAfterSeconds: 1,
    };
  }
  if (accounts.serviceAccounts.includes(identity.serviceAccount)) return undefined;
  const sa = `ServiceAccount ${identity.namespace}/${identity.serviceAccount}`;
  const why =
    accounts.serviceAccounts.length === 0
      ? `agent ${ref} has no Deployment, StatefulSet, Job or CronJob (pod template label governor.agents.dev/agent=${agent.name})`
      : `the workloads of agent ${ref} run as ServiceAccount ${accounts.serviceAccounts.join(', ')}`;
  return {
    status: 403,
    code: 'forbidden',
    message:
      `${sa} may not ${action} agent ${ref}: ${why}; a sidecar acts only for the agent whose pods run as its ` +
      'ServiceAccount (set the pod template serviceAccountName)',
  };
}
