import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AuditedKind, auditedWorkloadsOf, type ListedObject } from './audited-workloads.js';

const agentLabel = 'governor.agents.dev/agent';
const spec = {
  containers: [{ name: 'app', env: [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }] }],
};
const template = (labels: Record<string, string> = { app: 'x' }) => ({ metadata: { labels }, spec });
const owner = (kind: string, apiVersion: string, controller = true) => ({
  apiVersion,
  kind,
  name: 'maker',
  uid: 'u',
  controller,
});
const object = (extra: { metadata?: object; spec?: object } = {}): ListedObject =>
  ({
    metadata: { name: 'w', namespace: 'ns', ...extra.metadata },
    spec: extra.spec ?? { template: template() },
  }) as ListedObject;

const cases: Array<{ name: string; kind: AuditedKind; object: ListedObject; audited: boolean }> = [
  { name: 'a Deployment without the agent label', kind: 'Deployment', object: object(), audited: true },
  {
    name: 'an agent Deployment (from the caches instead)',
    kind: 'Deployment',
    object: object({ spec: { template: template({ [agentLabel]: 'chat' }) } }),
    audited: false,
  },
  {
    name: 'a Deployment with an empty agent label (no agent)',
    kind: 'Deployment',
    object: object({ spec: { template: template({ [agentLabel]: '' }) } }),
    audited: true,
  },
  { name: 'a StatefulSet', kind: 'StatefulSet', object: object(), audited: true },
  { name: 'a DaemonSet', kind: 'DaemonSet', object: object(), audited: true },
  {
    name: 'an agent DaemonSet (no agent kind: listed)',
    kind: 'DaemonSet',
    object: object({ spec: { template: template({ [agentLabel]: 'chat' }) } }),
    audited: true,
  },
  { name: 'a ReplicaSet of its own', kind: 'ReplicaSet', object: object(), audited: true },
  {
    name: "a Deployment's ReplicaSet",
    kind: 'ReplicaSet',
    object: object({ metadata: { ownerReferences: [owner('Deployment', 'apps/v1')] } }),
    audited: false,
  },
  {
    name: 'a ReplicaSet owned by some other kind',
    kind: 'ReplicaSet',
    object: object({ metadata: { ownerReferences: [owner('Rollout', 'argoproj.io/v1alpha1')] } }),
    audited: true,
  },
  { name: 'a Job of its own', kind: 'Job', object: object(), audited: true },
  {
    name: "a CronJob's Job",
    kind: 'Job',
    object: object({ metadata: { ownerReferences: [owner('CronJob', 'batch/v1')] } }),
    audited: false,
  },
  {
    name: 'a CronJob',
    kind: 'CronJob',
    object: object({ spec: { jobTemplate: { spec: { template: template() } } } }),
    audited: true,
  },
  { name: 'a bare Pod', kind: 'Pod', object: object({ spec }), audited: true },
  {
    name: "a ReplicaSet's Pod",
    kind: 'Pod',
    object: object({ metadata: { ownerReferences: [owner('ReplicaSet', 'apps/v1')] }, spec }),
    audited: false,
  },
  {
    name: "a custom controller's Pod",
    kind: 'Pod',
    object: object({ metadata: { ownerReferences: [owner('Notebook', 'kubeflow.org/v1')] }, spec }),
    audited: false,
  },
  {
    name: 'a Pod with a non-controller owner',
    kind: 'Pod',
    object: object({ metadata: { ownerReferences: [owner('ConfigMap', 'v1', false)] }, spec }),
    audited: true,
  },
  {
    name: 'a Deployment being deleted',
    kind: 'Deployment',
    object: object({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }),
    audited: false,
  },
  {
    name: 'a Deployment without a template',
    kind: 'Deployment',
    object: object({ spec: {} }),
    audited: false,
  },
];

describe('auditedWorkloadsOf', () => {
  for (const row of cases) {
    it(`${row.audited ? 'audits' : 'skips'} ${row.name}`, () => {
      const found = auditedWorkloadsOf(row.kind, [row.object]);
      assert.equal(found.length, row.audited ? 1 : 0, JSON.stringify(found));
    });
  }

  it('reads the pod template of each kind: a CronJob its job template, a Pod its own spec', () => {
    const [cronJob] = auditedWorkloadsOf('CronJob', [
      object({ spec: { jobTemplate: { spec: { template: template() } } } }),
    ]);
    assert.deepEqual(cronJob?.template, template());
    const [pod] = auditedWorkloadsOf('Pod', [
      object({
        metadata: { labels: { app: 'p' }, annotations: { 'governor.agents.dev/egress': 'https://x' } },
        spec,
      }),
    ]);
    assert.deepEqual(pod, {
      kind: 'Pod',
      namespace: 'ns',
      name: 'w',
      template: {
        metadata: { labels: { app: 'p' }, annotations: { 'governor.agents.dev/egress': 'https://x' } },
        spec,
      },
      annotations: { 'governor.agents.dev/egress': 'https://x' },
    });
  });
});
