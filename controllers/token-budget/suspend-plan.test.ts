import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentWorkload, agentWorkload } from '../../agents/agent-workload.js';
import {
  SUSPENDED_BY_ANNOTATION as BY,
  SUSPENDED_REPLICAS_ANNOTATION as KEPT,
  restorePlan,
  suspendPlan,
  type WorkloadChange,
} from './suspend-plan.js';

const BUDGET = 'marketing-daily';

function deployment(
  name: string,
  replicas: number | undefined,
  options: {
    critical?: boolean;
    annotations?: Record<string, string>;
    kind?: 'Deployment' | 'StatefulSet';
  } = {},
): AgentWorkload {
  const w = agentWorkload({
    apiVersion: 'apps/v1',
    kind: options.kind ?? 'Deployment',
    metadata: { name, namespace: 'agents', resourceVersion: '41', annotations: options.annotations },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      template: {
        metadata: {
          labels: {
            'governor.agents.dev/agent': name,
            ...(options.critical ? { 'governor.agents.dev/criticality': 'critical' } : {}),
          },
        },
      },
    },
  });
  assert.ok(w);
  return w;
}

function cronJob(name: string, suspend: boolean, annotations?: Record<string, string>): AgentWorkload {
  const w = agentWorkload({
    kind: 'CronJob',
    metadata: { name, namespace: 'agents', annotations },
    spec: {
      suspend,
      jobTemplate: {
        spec: { template: { metadata: { labels: { 'governor.agents.dev/agent': 'marketing' } } } },
      },
    },
  });
  assert.ok(w);
  return w;
}

function job(name: string, suspend: boolean): AgentWorkload {
  const w = agentWorkload({
    kind: 'Job',
    metadata: { name, namespace: 'agents' },
    spec: { suspend, template: { metadata: { labels: { 'governor.agents.dev/agent': 'marketing' } } } },
  });
  assert.ok(w);
  return w;
}

function summary(changes: WorkloadChange[]) {
  return changes.map((c) => ({ name: c.name, action: c.action, patch: c.patch }));
}

describe('agentWorkload', () => {
  it('reads the agent and criticality from the pod template, and defaults replicas to 1', () => {
    assert.deepEqual(deployment('support', undefined, { critical: true }), {
      kind: 'Deployment',
      namespace: 'agents',
      name: 'support',
      agent: 'support',
      critical: true,
      replicas: 1,
      annotations: {},
      resourceVersion: '41',
    });
    assert.equal(cronJob('nightly', false).agent, 'marketing');
  });

  it('ignores other kinds and workloads without the agent label', () => {
    assert.equal(agentWorkload({ kind: 'DaemonSet', metadata: { name: 'x', namespace: 'y' } }), undefined);
    assert.equal(
      agentWorkload({ kind: 'Deployment', metadata: { name: 'x', namespace: 'y' }, spec: { template: {} } }),
      undefined,
    );
    assert.equal(agentWorkload(null), undefined);
  });
});

describe('suspendPlan', () => {
  const cases: {
    name: string;
    workloads: AgentWorkload[];
    changes: ReturnType<typeof summary>;
    held: unknown[];
  }[] = [
    {
      name: 'scales a Deployment to 0 and keeps its replicas',
      workloads: [deployment('marketing', 2)],
      changes: [
        {
          name: 'marketing',
          action: 'ScaleToZero',
          patch: {
            metadata: { resourceVersion: '41', annotations: { [BY]: BUDGET, [KEPT]: '2' } },
            spec: { replicas: 0 },
          },
        },
      ],
      held: [{ kind: 'Deployment', name: 'marketing', previousReplicas: 2 }],
    },
    {
      name: 'scales a StatefulSet the same way',
      workloads: [deployment('indexer', 3, { kind: 'StatefulSet' })],
      changes: [
        {
          name: 'indexer',
          action: 'ScaleToZero',
          patch: {
            metadata: { resourceVersion: '41', annotations: { [BY]: BUDGET, [KEPT]: '3' } },
            spec: { replicas: 0 },
          },
        },
      ],
      held: [{ kind: 'StatefulSet', name: 'indexer', previousReplicas: 3 }],
    },
    {
      name: 'suspends a CronJob and a Job',
      workloads: [cronJob('nightly', false), job('backfill', false)],
      changes: [
        {
          name: 'nightly',
          action: 'Suspend',
          patch: { metadata: { annotations: { [BY]: BUDGET } }, spec: { suspend: true } },
        },
        {
          name: 'backfill',
          action: 'Suspend',
          patch: { metadata: { annotations: { [BY]: BUDGET } }, spec: { suspend: true } },
        },
      ],
      held: [
        { kind: 'CronJob', name: 'nightly' },
        { kind: 'Job', name: 'backfill' },
      ],
    },
    {
      name: 'never touches a critical agent',
      workloads: [deployment('support', 3, { critical: true })],
      changes: [],
      held: [],
    },
    {
      name: 'changes nothing when already suspended (idempotent)',
      workloads: [
        deployment('marketing', 0, { annotations: { [BY]: BUDGET, [KEPT]: '2' } }),
        cronJob('nightly', true, { [BY]: BUDGET }),
      ],
      changes: [],
      held: [
        { kind: 'Deployment', name: 'marketing', previousReplicas: 2 },
        { kind: 'CronJob', name: 'nightly' },
      ],
    },
    {
      name: 'scales to 0 again a Deployment scaled up while held, keeping the new count',
      workloads: [deployment('marketing', 4, { annotations: { [BY]: BUDGET, [KEPT]: '2' } })],
      changes: [
        {
          name: 'marketing',
          action: 'ScaleToZero',
          patch: { metadata: { resourceVersion: '41', annotations: { [KEPT]: '4' } }, spec: { replicas: 0 } },
        },
      ],
      held: [{ kind: 'Deployment', name: 'marketing', previousReplicas: 4 }],
    },
    {
      name: 'joins another budget holding a workload, keeping the count that budget kept',
      workloads: [deployment('marketing', 0, { annotations: { [BY]: 'org-monthly', [KEPT]: '2' } })],
      changes: [
        {
          name: 'marketing',
          action: 'Hold',
          patch: { metadata: { resourceVersion: '41', annotations: { [BY]: `${BUDGET},org-monthly` } } },
        },
      ],
      held: [{ kind: 'Deployment', name: 'marketing', previousReplicas: 2 }],
    },
    {
      name: 'leaves alone a Deployment already at 0 that no budget holds',
      workloads: [deployment('marketing', 0)],
      changes: [],
      held: [],
    },
    {
      name: 'leaves alone a CronJob a person suspended',
      workloads: [cronJob('nightly', true)],
      changes: [],
      held: [],
    },
    {
      name: 'lets go of an agent that became critical while held',
      workloads: [deployment('support', 0, { critical: true, annotations: { [BY]: BUDGET, [KEPT]: '3' } })],
      changes: [
        {
          name: 'support',
          action: 'Restore',
          patch: {
            metadata: { resourceVersion: '41', annotations: { [BY]: null, [KEPT]: null } },
            spec: { replicas: 3 },
          },
        },
      ],
      held: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = suspendPlan(c.workloads, BUDGET);
      assert.deepEqual(summary(plan.changes), c.changes);
      assert.deepEqual(plan.held, c.held);
    });
  }

  it('says in the Event message what it did and why', () => {
    const [change] = suspendPlan([deployment('marketing', 2)], BUDGET, {
      because: 'the budget is exhausted',
    }).changes;
    assert.equal(
      change?.message,
      `Scaled Deployment marketing from 2 to 0 replicas for TokenBudget ${BUDGET}; 2 kept in ${KEPT}: the budget is exhausted.`,
    );
  });
});

describe('restorePlan', () => {
  const cases: { name: string; workloads: AgentWorkload[]; changes: ReturnType<typeof summary> }[] = [
    {
      name: 'restores the exact previous replicas and removes the marks',
      workloads: [deployment('marketing', 0, { annotations: { [BY]: BUDGET, [KEPT]: '7' } })],
      changes: [
        {
          name: 'marketing',
          action: 'Restore',
          patch: {
            metadata: { resourceVersion: '41', annotations: { [BY]: null, [KEPT]: null } },
            spec: { replicas: 7 },
          },
        },
      ],
    },
    {
      name: 'resumes a CronJob it suspended',
      workloads: [cronJob('nightly', true, { [BY]: BUDGET })],
      changes: [
        {
          name: 'nightly',
          action: 'Resume',
          patch: { metadata: { annotations: { [BY]: null } }, spec: { suspend: false } },
        },
      ],
    },
    {
      name: 'only lets go while another budget still holds the workload',
      workloads: [
        deployment('marketing', 0, { annotations: { [BY]: `${BUDGET},org-monthly`, [KEPT]: '2' } }),
      ],
      changes: [
        {
          name: 'marketing',
          action: 'Release',
          patch: { metadata: { resourceVersion: '41', annotations: { [BY]: 'org-monthly' } } },
        },
      ],
    },
    {
      name: 'keeps the count of a Deployment someone scaled up by hand meanwhile',
      workloads: [deployment('marketing', 5, { annotations: { [BY]: BUDGET, [KEPT]: '2' } })],
      changes: [
        {
          name: 'marketing',
          action: 'Restore',
          patch: { metadata: { resourceVersion: '41', annotations: { [BY]: null, [KEPT]: null } } },
        },
      ],
    },
    {
      name: 'leaves replicas at 0 when the kept count was removed',
      workloads: [deployment('marketing', 0, { annotations: { [BY]: BUDGET, [KEPT]: 'lots' } })],
      changes: [
        {
          name: 'marketing',
          action: 'Restore',
          patch: { metadata: { resourceVersion: '41', annotations: { [BY]: null, [KEPT]: null } } },
        },
      ],
    },
    {
      name: 'never touches workloads it does not hold: critical agents, other budgets, a person’s suspension',
      workloads: [
        deployment('support', 3, { critical: true }),
        deployment('other', 0, { annotations: { [BY]: 'org-monthly', [KEPT]: '2' } }),
        cronJob('paused-by-hand', true),
        deployment('running', 2),
      ],
      changes: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = restorePlan(c.workloads, BUDGET);
      assert.deepEqual(summary(plan.changes), c.changes);
      assert.deepEqual(plan.held, []);
    });
  }

  it('round-trips: suspend then restore gives back every workload as it was', () => {
    const before = [
      deployment('a', 3),
      deployment('b', 1, { kind: 'StatefulSet' }),
      cronJob('c', false),
      deployment('d', 2, { critical: true }),
    ];
    const suspended = before.map((w) => applyPatch(w, suspendPlan([w], BUDGET).changes[0]));
    assert.deepEqual(
      suspended.map((w) => w.replicas ?? w.suspend),
      [0, 0, true, 2],
    );
    const restored = suspended.map((w) => applyPatch(w, restorePlan([w], BUDGET).changes[0]));
    assert.deepEqual(restored, before);
  });
});

/** What the API server does with a merge patch, for the fields the plans touch. */
function applyPatch(w: AgentWorkload, change: WorkloadChange | undefined): AgentWorkload {
  if (!change) return w;
  const annotations: Record<string, string> = { ...w.annotations };
  for (const [k, v] of Object.entries(change.patch.metadata.annotations)) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  return {
    ...w,
    annotations,
    ...(change.patch.spec?.replicas !== undefined ? { replicas: change.patch.spec.replicas } : {}),
    ...(change.patch.spec?.suspend !== undefined ? { suspend: change.patch.spec.suspend } : {}),
  };
}
