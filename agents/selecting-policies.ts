// Which budgets (or SLOs) a change to an agent workload or to a usage ledger concerns: those of the
// same namespace whose agentSelector matches the workload's pod template — for a ledger, any
// workload of its agent — read from the controller's caches. Every usage report writes a ledger, so
// mapping it to every policy of the namespace would reconcile them all at each report. On an update
// the runtime maps the old object too, so a policy a label edit leaves is reconciled as well.
import { AGENT_LABEL } from '../apis/group-version.js';
import type { LabelSelector } from '../apis/label-selector.js';
import { matchesSelector } from '../apis/label-selector-match.js';
import type { AgentUsageLedger } from '../apis/usage-ledger.js';
import type { CacheReader } from '../runtime/controller/controller-definition.js';
import type { KubeObject, ObjectKey } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { podTemplateLabels, workloadResources } from './agent-workload.js';

/** A budget or SLO: a namespaced policy that selects agents by pod-template labels. */
export type SelectingPolicy = KubeObject & { spec?: { agentSelector?: LabelSelector } };

function matching(
  namespace: string | undefined,
  labelSets: readonly Record<string, string>[],
  policies: ResourceType<SelectingPolicy>,
  cache: CacheReader,
): ObjectKey[] {
  if (!namespace || labelSets.length === 0) return [];
  return cache(policies)
    .list(namespace)
    .filter((p) => labelSets.some((labels) => matchesSelector(p.spec?.agentSelector, labels)))
    .map((p) => ({ namespace, name: p.metadata?.name ?? '' }));
}

/** The policies whose selector matches this agent workload's pod template. */
export function policiesSelectingWorkload(
  workload: KubeObject,
  policies: ResourceType<SelectingPolicy>,
  cache: CacheReader,
): ObjectKey[] {
  return matching(workload.metadata?.namespace, [podTemplateLabels(workload)], policies, cache);
}

/** The policies selecting the agent whose usage the ledger holds (by any of its workloads). */
export function policiesSelectingLedger(
  ledger: AgentUsageLedger,
  policies: ResourceType<SelectingPolicy>,
  cache: CacheReader,
): ObjectKey[] {
  const namespace = ledger.metadata?.namespace;
  const agent = ledger.spec?.agent;
  if (!namespace || !agent) return [];
  const labelSets: Record<string, string>[] = [];
  for (const resource of Object.values(workloadResources)) {
    for (const object of cache(resource).list(namespace)) {
      const labels = podTemplateLabels(object);
      if (labels[AGENT_LABEL] === agent) labelSets.push(labels);
    }
  }
  return matching(namespace, labelSets, policies, cache);
}
