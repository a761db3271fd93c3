// Which agent workloads a policy (TokenBudget, AgentSLO) selects: those in its namespace whose pod
// template labels satisfy its agentSelector. Pure: it reads the objects it is given.
import type { LabelSelector } from '../apis/label-selector.js';
import { matchesSelector } from '../apis/label-selector-match.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import { type AgentWorkload, agentWorkload, podTemplateLabels } from './agent-workload.js';

export interface SelectedWorkload {
  workload: AgentWorkload;
  /** The object as read (the Event's `regarding`). */
  object: KubeObject;
}

/** Every agent workload among `objects` in `namespace`, with the object it was read from. */
export function agentWorkloadsIn(objects: readonly KubeObject[], namespace: string): SelectedWorkload[] {
  const found: SelectedWorkload[] = [];
  for (const object of objects) {
    if (object.metadata?.namespace !== namespace) continue;
    const workload = agentWorkload(object);
    if (workload) found.push({ workload, object });
  }
  return found.sort((a, b) => compare(a.workload, b.workload));
}

/** The agent workloads of `namespace` that `selector` selects by pod-template labels. */
export function selectedWorkloads(
  objects: readonly KubeObject[],
  namespace: string,
  selector: LabelSelector | undefined,
): SelectedWorkload[] {
  return agentWorkloadsIn(objects, namespace).filter((w) =>
    matchesSelector(selector, podTemplateLabels(w.object)),
  );
}

/** The distinct agent names of the workloads, sorted (several workloads may run one agent). */
export function agentNames(workloads: readonly SelectedWorkload[]): string[] {
  return [...new Set(workloads.map((w) => w.workload.agent))].sort();
}

function compare(a: AgentWorkload, b: AgentWorkload): number {
  return a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.kind < b.kind ? -1 : 1;
}
