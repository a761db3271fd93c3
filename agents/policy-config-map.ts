// The ConfigMap mirror of an agent's effective policy: the file a sidecar mounts to start, and keep
// working, while the operator is unreachable (fail-static). Pure: names, labels, the object, and
// reading a policy back out of one.
import { type EffectivePolicy, effectivePolicy } from '../apis/effective-policy.js';
import { AGENT_LABEL } from '../apis/group-version.js';
import { ledgerName } from '../apis/ledger/ledger-name.js';
import { fieldPath } from '../apis/validate.js';
import type { ConfigMap } from '../runtime/kube/resources.js';

/** The key of the policy document in the ConfigMap (the file name the sidecar mounts). */
export const POLICY_FILE_KEY = 'policy.json';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'agent-governor';
/** Selects every policy mirror of the operator, in any namespace. */
export const POLICY_MIRROR_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY},${AGENT_LABEL}`;

/**
 * `governor-policy-<agent>`: the agent name when it makes a valid object name, else a cleaned form
 * with a hash of the exact name (as for ledgers), so two agents never share a mirror.
 */
export function policyConfigMapName(agent: string): string {
  return `${POLICY_CONFIG_MAP_PREFIX}${ledgerName(agent)}`;
}

/** The start of every policy mirror's name. */
export const POLICY_CONFIG_MAP_PREFIX = 'governor-policy-';

/** The ConfigMap holding `policy` (pretty JSON, for people reading it with kubectl). */
export function policyConfigMap(policy: EffectivePolicy): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: policyConfigMapName(policy.agent.name),
      namespace: policy.agent.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [AGENT_LABEL]: policy.agent.name },
    },
    data: { [POLICY_FILE_KEY]: policyFileText(policy) },
  };
}

export function policyFileText(policy: EffectivePolicy): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

export type MirroredPolicy = { ok: true; policy: EffectivePolicy } | { ok: false; problem: string };

/**
 * The policy in a mirror ConfigMap, checked: valid JSON, a valid EffectivePolicy, for the agent
 * and namespace the ConfigMap is labelled with. A problem names the ConfigMap and the field.
 */
export function policyInConfigMap(configMap: ConfigMap): MirroredPolicy {
  const namespace = configMap.metadata?.namespace ?? '';
  const where = `ConfigMap ${namespace}/${configMap.metadata?.name ?? '?'}`;
  const text = configMap.data?.[POLICY_FILE_KEY];
  if (text === undefined) return { ok: false, problem: `${where} has no data key ${POLICY_FILE_KEY}` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `${where}: ${POLICY_FILE_KEY} is not JSON: ${(err as Error).message}` };
  }
  const parsed = effectivePolicy.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue ? `${fieldPath(issue.path)}: ${issue.message}` : parsed.error.message;
    return { ok: false, problem: `${where}: ${POLICY_FILE_KEY} is not a valid EffectivePolicy: ${detail}` };
  }
  const agent = configMap.metadata?.labels?.[AGENT_LABEL];
  if (parsed.data.agent.namespace !== namespace || parsed.data.agent.name !== agent) {
    return {
      ok: false,
      problem:
        `${where} (label ${AGENT_LABEL}=${agent ?? ''}) holds the policy of agent ` +
        `${parsed.data.agent.namespace}/${parsed.data.agent.name}; expected ${namespace}/${agent ?? ''}`,
    };
  }
  return { ok: true, policy: parsed.data };
}
