import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { RESIDENCY_LABEL } from '../../residency/residency-namespace-label.js';
import type { Namespace } from '../../runtime/kube/resources.js';
import { residencyScopePlan } from './residency-scope-plan.js';

function namespace(name: string, labels: Record<string, string> = {}, resourceVersion = '7'): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, resourceVersion } };
}

function policy(name: string, mode: 'Enforce' | 'Warn' | 'Audit', team: string): DataResidencyPolicy {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name },
    spec: {
      mode,
      namespaceSelector: { matchLabels: { team } },
      allowedJurisdictions: ['EU'],
      unknownEndpoints: 'Deny',
      auditInterval: '10m',
    },
  };
}

const scope = { operatorNamespace: 'governor-system' };
const enforceAgents = policy('eu-agents', 'Enforce', 'agents');
const warnLabs = policy('warn-labs', 'Warn', 'labs');

/** `namespace: from → to (Reason)` per planned change. */
function summary(changes: ReturnType<typeof residencyScopePlan>): string[] {
  return changes.map((c) => `${c.namespace}: ${c.from ?? '-'} → ${c.to ?? '-'} (${c.event.event.reason})`);
}

describe('residencyScopePlan: the label changes that make the webhooks follow the policies', () => {
  const table: Array<{
    case: string;
    namespaces: Namespace[];
    policies: DataResidencyPolicy[];
    plan: string[];
  }> = [
    {
      case: 'a new Enforce policy labels its namespaces enforce, leaves the others alone',
      namespaces: [namespace('agents', { team: 'agents' }), namespace('shop', { team: 'web' })],
      policies: [enforceAgents],
      plan: ['agents: - → enforce (ResidencyEnforced)'],
    },
    {
      case: 'Warn or Audit only: observe',
      namespaces: [namespace('labs', { team: 'labs' })],
      policies: [warnLabs],
      plan: ['labs: - → observe (ResidencyObserved)'],
    },
    {
      case: 'already right: nothing to do (idempotent)',
      namespaces: [
        namespace('agents', { team: 'agents', [RESIDENCY_LABEL]: 'enforce' }),
        namespace('labs', { team: 'labs', [RESIDENCY_LABEL]: 'observe' }),
        namespace('shop'),
      ],
      policies: [enforceAgents, warnLabs],
      plan: [],
    },
    {
      case: 'the policy deleted: the label goes',
      namespaces: [namespace('agents', { team: 'agents', [RESIDENCY_LABEL]: 'enforce' })],
      policies: [],
      plan: ['agents: enforce → - (ResidencyReleased)'],
    },
    {
      case: 'an Enforce policy turned Warn: enforce becomes observe',
      namespaces: [namespace('agents', { team: 'agents', [RESIDENCY_LABEL]: 'enforce' })],
      policies: [policy('eu-agents', 'Warn', 'agents')],
      plan: ['agents: enforce → observe (ResidencyObserved)'],
    },
    {
      case: 'a namespace created after the policy gets the label at its first sight',
      namespaces: [
        namespace('agents', { team: 'agents', [RESIDENCY_LABEL]: 'enforce' }),
        namespace('agents-2', { team: 'agents' }),
      ],
      policies: [enforceAgents],
      plan: ['agents-2: - → enforce (ResidencyEnforced)'],
    },
    {
      case: 'a value someone else wrote is put back; exempt namespaces never keep one',
      namespaces: [
        namespace('shop', { [RESIDENCY_LABEL]: 'enforce' }),
        namespace('agents', { team: 'agents', [RESIDENCY_LABEL]: 'off' }),
        namespace('kube-system', { team: 'agents', [RESIDENCY_LABEL]: 'enforce' }),
      ],
      policies: [enforceAgents],
      plan: [
        'agents: off → enforce (ResidencyEnforced)',
        'kube-system: enforce → - (ResidencyReleased)',
        'shop: enforce → - (ResidencyReleased)',
      ],
    },
  ];
  for (const row of table) {
    it(row.case, () => {
      assert.deepEqual(summary(residencyScopePlan(row.namespaces, row.policies, scope)), row.plan);
    });
  }

  it('patches conditionally (the resourceVersion it read) and names the policy in the Event', () => {
    const [change] = residencyScopePlan(
      [namespace('agents', { team: 'agents' }, '42')],
      [enforceAgents],
      scope,
    );
    assert.deepEqual(change?.patch, {
      type: 'merge',
      body: { metadata: { resourceVersion: '42', labels: { [RESIDENCY_LABEL]: 'enforce' } } },
    });
    assert.deepEqual(change?.key, { name: 'agents' });
    assert.equal(change?.event.regarding.kind, 'Namespace');
    assert.match(change?.event.event.note ?? '', /Enforce policy eu-agents applies.*fail closed/);
  });

  it('removes with null in the merge patch and skips a namespace being deleted', () => {
    const terminating = namespace('old', { [RESIDENCY_LABEL]: 'enforce' });
    terminating.metadata = { ...terminating.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
    const plan = residencyScopePlan(
      [terminating, namespace('shop', { [RESIDENCY_LABEL]: 'observe' })],
      [],
      scope,
    );
    assert.deepEqual(
      plan.map((c) => [c.namespace, c.patch.body]),
      [['shop', { metadata: { resourceVersion: '7', labels: { [RESIDENCY_LABEL]: null } } }]],
    );
  });
});
