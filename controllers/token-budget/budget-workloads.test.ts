import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentWorkload } from '../../agents/agent-workload.js';
import type { SelectedWorkload } from '../../agents/selected-agents.js';
import { budgetWorkloadPlan } from './budget-workloads.js';
import { SUSPENDED_BY_ANNOTATION, SUSPENDED_REPLICAS_ANNOTATION } from './suspend-plan.js';

const w = (workload: Partial<AgentWorkload> & Pick<AgentWorkload, 'kind' | 'name'>): SelectedWorkload => ({
  workload: { namespace: 'agents', agent: workload.name, critical: false, annotations: {}, ...workload },
  object: {},
});

describe('budgetWorkloadPlan', () => {
  const writer = w({ kind: 'Deployment', name: 'writer', replicas: 2, resourceVersion: '7' });
  const critical = w({ kind: 'Deployment', name: 'support', replicas: 3, critical: true });
  const digest = w({ kind: 'CronJob', name: 'digest', suspend: false });
  const heldElsewhere = w({
    kind: 'Deployment',
    name: 'old',
    replicas: 0,
    annotations: { [SUSPENDED_BY_ANNOTATION]: 'daily', [SUSPENDED_REPLICAS_ANNOTATION]: '4' },
  });

  it('suspends the selected non-critical workloads while Suspend is in force', () => {
    const plan = budgetWorkloadPlan({
      budget: 'daily',
      actions: ['Alert', 'Suspend'],
      all: [writer, critical, digest],
      selected: [writer, critical, digest],
      because: 'the budget is exhausted',
    });
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['ScaleToZero Deployment/writer', 'Suspend CronJob/digest'],
    );
    assert.deepEqual(plan.changes[0]?.patch, {
      metadata: {
        resourceVersion: '7',
        annotations: { [SUSPENDED_BY_ANNOTATION]: 'daily', [SUSPENDED_REPLICAS_ANNOTATION]: '2' },
      },
      spec: { replicas: 0 },
    });
    assert.deepEqual(plan.held, [
      { kind: 'Deployment', name: 'writer', previousReplicas: 2 },
      { kind: 'CronJob', name: 'digest' },
    ]);
  });

  it('lets go of a workload the budget no longer selects, restoring its replicas', () => {
    const plan = budgetWorkloadPlan({
      budget: 'daily',
      actions: ['Suspend'],
      all: [writer, heldElsewhere],
      selected: [writer],
      because: 'the budget is exhausted',
    });
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.name} ${JSON.stringify(c.patch.spec)}`),
      ['ScaleToZero writer {"replicas":0}', 'Restore old {"replicas":4}'],
    );
  });

  it('restores everything it holds when Suspend is not in force', () => {
    const plan = budgetWorkloadPlan({
      budget: 'daily',
      actions: ['Degrade'],
      all: [writer, heldElsewhere, critical],
      selected: [writer, heldElsewhere, critical],
      because: 'the period was reset',
    });
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.name}`),
      ['Restore old'],
    );
    assert.deepEqual(plan.held, []);
  });
});
