// The readers of a crossing's chain (crossing-chain.ts) in the scale cluster: the TokenBudget's
// status, the first agent's policy mirror, every agent's mirror (one LIST by the mirrors' label), and
// a fresh poll of the first agent's policy on each replica (`probes`, one link per replica).
import { tokenBudgets } from '../../agents/governor-resources.js';
import {
  POLICY_FILE_KEY,
  POLICY_MIRROR_SELECTOR,
  policyConfigMapName,
} from '../../agents/policy-config-map.js';
import { type ConfigMap, configMaps } from '../../runtime/kube/resources.js';
import type { ChainReaders } from './crossing-chain.js';
import { BUDGET_NAME, type ScaleCluster } from './scale-cluster.js';
import type { PolicyAnswer, SidecarLink } from './sidecar-link.js';

export function scaleChainReaders(cluster: ScaleCluster, probes: readonly SidecarLink[]): ChainReaders {
  const firstAgent = cluster.agents[0] as string;
  /** The budget's phase in a policy, as each link of the chain shows it. */
  const budgetPhaseIn = (policy: PolicyAnswer['policy']) =>
    policy?.budgets.find((b) => b.name === cluster.budget)?.phase;
  /** The budget's phase in a policy mirror; undefined when it holds no policy. */
  const mirrorPhase = (mirror: ConfigMap | undefined) => {
    const text = mirror?.data?.[POLICY_FILE_KEY];
    return text === undefined ? undefined : budgetPhaseIn(JSON.parse(text) as PolicyAnswer['policy']);
  };
  return {
    async budget() {
      const budget = await cluster.env.client.get(tokenBudgets, {
        namespace: cluster.namespace,
        name: BUDGET_NAME,
      });
      return (budget?.status as { phase?: string } | undefined)?.phase;
    },
    async mirror() {
      const name = policyConfigMapName(firstAgent);
      return mirrorPhase(await cluster.env.client.get(configMaps, { namespace: cluster.namespace, name }));
    },
    async mirrors() {
      const list = await cluster.env.client.list(configMaps, {
        namespace: cluster.namespace,
        labelSelector: POLICY_MIRROR_SELECTOR,
      });
      const phases = new Set(list.map(mirrorPhase));
      return list.length >= cluster.agents.length && phases.size === 1 ? [...phases][0] : undefined;
    },
    replicas: probes.map((probe) => {
      const connection = probe.pollConnection();
      return async () =>
        budgetPhaseIn((await probe.policy(connection, cluster.namespace, firstAgent)).policy);
    }),
  };
}
