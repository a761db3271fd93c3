// The plan of the residency scope controller (pure): which namespaces get, change or lose the label
// governor.agents.dev/residency that the residency webhooks select on, as conditional merge patches
// (each carries the namespace's resourceVersion, so a namespace relabelled meanwhile is planned
// again), with one Event per change. Exempt namespaces never carry it; a value someone else wrote is
// put back to what the live policies say
// (docs/adr/0037-admission-scope-follows-the-policies.md).
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import {
  RESIDENCY_ENFORCE,
  RESIDENCY_LABEL,
  type ResidencyLabelValue,
  residencyLabelFor,
} from '../../residency/residency-namespace-label.js';
import type { ResidencyScope } from '../../residency/residency-scope.js';
import type { ObjectPatch, PlannedEvent } from '../../runtime/controller/plan-executor.js';
import type { Namespace } from '../../runtime/kube/resources.js';
import { namespaces as namespaceResource } from '../../runtime/kube/resources.js';

export interface ResidencyLabelChange extends ObjectPatch {
  namespace: string;
  from: string | null;
  to: ResidencyLabelValue | null;
  event: PlannedEvent;
}

export function residencyScopePlan(
  namespaces: readonly Namespace[],
  policies: readonly DataResidencyPolicy[],
  scope: ResidencyScope,
): ResidencyLabelChange[] {
  const changes: ResidencyLabelChange[] = [];
  for (const namespace of namespaces) {
    const name = namespace.metadata?.name ?? '';
    if (!name || namespace.metadata?.deletionTimestamp) continue;
    const labels = namespace.metadata?.labels ?? {};
    const from = labels[RESIDENCY_LABEL] ?? null;
    const verdict = residencyLabelFor(name, labels, policies, scope);
    if (from === verdict.value) continue;
    changes.push({
      namespace: name,
      from,
      to: verdict.value,
      resource: namespaceResource,
      key: { name },
      patch: {
        type: 'merge',
        body: {
          metadata: {
            ...(namespace.metadata?.resourceVersion
              ? { resourceVersion: namespace.metadata.resourceVersion }
              : {}),
            labels: { [RESIDENCY_LABEL]: verdict.value },
          },
        },
      },
      event: {
        regarding: { apiVersion: 'v1', kind: 'Namespace', metadata: namespace.metadata ?? { name } },
        event: eventFor(name, from, verdict.value, verdict.policies),
      },
    });
  }
  return changes.sort((a, b) => a.namespace.localeCompare(b.namespace));
}

function eventFor(
  namespace: string,
  from: string | null,
  to: ResidencyLabelValue | null,
  policies: string[],
): PlannedEvent['event'] {
  const was = from === null ? '' : ` (was ${RESIDENCY_LABEL}=${from})`;
  const list = policies.join(', ');
  if (to === RESIDENCY_ENFORCE) {
    return {
      type: 'Normal',
      reason: 'ResidencyEnforced',
      action: 'Label',
      note:
        `Namespace ${namespace} labelled ${RESIDENCY_LABEL}=${to}${was}: Enforce policy ${list} applies, so ` +
        'its workloads are refused while no operator replica answers the residency webhook (fail closed).',
    };
  }
  if (to !== null) {
    return {
      type: 'Normal',
      reason: 'ResidencyObserved',
      action: 'Label',
      note:
        `Namespace ${namespace} labelled ${RESIDENCY_LABEL}=${to}${was}: only Warn or Audit policies apply (${list}), ` +
        'so its workloads are admitted while no operator replica answers.',
    };
  }
  return {
    type: 'Normal',
    reason: 'ResidencyReleased',
    action: 'Unlabel',
    note:
      `Namespace ${namespace}: label ${RESIDENCY_LABEL}=${from} removed, no residency policy applies any more; ` +
      'its workloads are admitted while no operator replica answers.',
  };
}
