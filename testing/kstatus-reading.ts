// How kstatus (sigs.k8s.io/cli-utils/pkg/kstatus, which Flux and Argo CD health checks follow)
// reads a custom resource's status, applied to the conditions controllers/kstatus/ writes: a
// status that describes an older generation is InProgress; Stalled=True is Failed; Reconciling=True
// is InProgress; Ready=True is Current. Each condition must describe the current generation too.
import type { Condition } from '../apis/condition.js';

export type KstatusVerdict = 'Current' | 'InProgress' | 'Failed';

export interface StatusCarrier {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; conditions?: Condition[] } | undefined;
}

export function kstatusOf(object: StatusCarrier): { verdict: KstatusVerdict; why: string } {
  const generation = object.metadata.generation;
  const status = object.status;
  if (!status?.conditions) return { verdict: 'InProgress', why: 'no conditions yet' };
  if (generation !== undefined && status.observedGeneration !== generation) {
    return {
      verdict: 'InProgress',
      why: `status.observedGeneration ${status.observedGeneration} is not generation ${generation}`,
    };
  }
  const stale = status.conditions.find((c) => c.observedGeneration !== generation);
  if (stale) return { verdict: 'InProgress', why: `condition ${stale.type} describes an older generation` };
  const isTrue = (type: string) => status.conditions?.find((c) => c.type === type)?.status === 'True';
  if (isTrue('Stalled')) return { verdict: 'Failed', why: 'Stalled=True' };
  if (isTrue('Reconciling')) return { verdict: 'InProgress', why: 'Reconciling=True' };
  if (isTrue('Ready')) return { verdict: 'Current', why: 'Ready=True for the current generation' };
  return { verdict: 'InProgress', why: 'Ready is not True' };
}
