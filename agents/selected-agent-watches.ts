// The watches a policy that selects agents (TokenBudget, AgentSLO) adds besides its own kind: the
// four agent workload kinds (a label edit moves an agent in or out of the selection) and the usage
// ledgers (each recorded batch requeues the policies selecting its agent at once, after the cache
// holds the new counts: docs/adr/0008-budgets-and-slos-requeue-on-ledger-watch.md). Each change maps
// only to the policies whose selector matches (docs/adr/0024-operator-load-at-scale.md).
import { type Watch, watch } from '../runtime/controller/controller-definition.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { isAgentWorkload, workloadResources } from './agent-workload.js';
import { agentUsageLedgers } from './governor-resources.js';
import {
  policiesSelectingLedger,
  policiesSelectingWorkload,
  type SelectingPolicy,
} from './selecting-policies.js';

/** Workload and ledger watches that requeue the `policies` selecting the changed agent. */
export function selectedAgentWatches(policies: ResourceType<SelectingPolicy>): Watch<KubeObject>[] {
  return [
    ...Object.values(workloadResources).map((resource) =>
      watch({
        resource,
        // The one filter every controller uses, so they share one informer per workload kind.
        filter: isAgentWorkload,
        mapToKeys: (workload, cache) => policiesSelectingWorkload(workload, policies, cache),
      }),
    ),
    watch({
      resource: agentUsageLedgers,
      mapToKeys: (ledger, cache) => policiesSelectingLedger(ledger, policies, cache),
    }),
  ];
}
