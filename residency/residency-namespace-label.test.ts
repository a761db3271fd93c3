import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataResidencyPolicy } from '../apis/data-residency-policy.js';
import { RESIDENCY_LABEL, residencyLabelFor } from './residency-namespace-label.js';

function policy(
  name: string,
  mode: 'Enforce' | 'Warn' | 'Audit' | undefined,
  namespaceSelector: DataResidencyPolicy['spec']['namespaceSelector'],
  deleting = false,
): DataResidencyPolicy {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      ...(mode ? { mode } : {}),
      namespaceSelector,
      allowedJurisdictions: ['EU'],
      unknownEndpoints: 'Deny',
      auditInterval: '10m',
    } as DataResidencyPolicy['spec'],
  };
}

const euAgents = policy('eu-agents', 'Enforce', { matchLabels: { team: 'agents' } });
const warnAll = policy('warn-all', 'Warn', {});
const auditLabs = policy('audit-labs', 'Audit', { matchLabels: { team: 'labs' } });
const defaultMode = policy('default-mode', undefined, { matchLabels: { tier: 'prod' } });
const goingAway = policy('going-away', 'Enforce', { matchLabels: { team: 'labs' } }, true);
const selfChasing = policy('self-chasing', 'Enforce', { matchLabels: { [RESIDENCY_LABEL]: 'enforce' } });

const scope = { operatorNamespace: 'governor-system' };

describe('residencyLabelFor: which residency label a namespace carries', () => {
  const table: Array<{
    case: string;
    namespace: string;
    labels?: Record<string, string>;
    policies: DataResidencyPolicy[];
    value: 'enforce' | 'observe' | null;
    decidedBy: string[];
  }> = [
    { case: 'no policy at all', namespace: 'shop', policies: [], value: null, decidedBy: [] },
    {
      case: 'a policy that selects other namespaces',
      namespace: 'shop',
      labels: { team: 'web' },
      policies: [euAgents],
      value: null,
      decidedBy: [],
    },
    {
      case: 'an Enforce policy selects it',
      namespace: 'agents',
      labels: { team: 'agents' },
      policies: [euAgents],
      value: 'enforce',
      decidedBy: ['eu-agents'],
    },
    {
      case: 'a policy without a mode is Enforce (the schema default)',
      namespace: 'prod',
      labels: { tier: 'prod' },
      policies: [defaultMode],
      value: 'enforce',
      decidedBy: ['default-mode'],
    },
    {
      case: 'only a Warn policy',
      namespace: 'shop',
      policies: [warnAll, euAgents],
      value: 'observe',
      decidedBy: ['warn-all'],
    },
    {
      case: 'Warn and Audit policies',
      namespace: 'labs',
      labels: { team: 'labs' },
      policies: [warnAll, auditLabs],
      value: 'observe',
      decidedBy: ['audit-labs', 'warn-all'],
    },
    {
      case: 'Enforce wins over Warn: the Enforce ones are named',
      namespace: 'agents',
      labels: { team: 'agents' },
      policies: [warnAll, euAgents],
      value: 'enforce',
      decidedBy: ['eu-agents'],
    },
    {
      case: 'a policy being deleted no longer counts',
      namespace: 'labs',
      labels: { team: 'labs' },
      policies: [goingAway],
      value: null,
      decidedBy: [],
    },
    {
      case: "the operator's namespace is exempt, even under {}",
      namespace: 'governor-system',
      policies: [policy('all', 'Enforce', {})],
      value: null,
      decidedBy: [],
    },
    {
      case: 'kube-system is exempt',
      namespace: 'kube-system',
      policies: [policy('all', 'Enforce', {})],
      value: null,
      decidedBy: [],
    },
    {
      case: 'selection by name (kubernetes.io/metadata.name), also from a cache entry without that label',
      namespace: 'payments',
      policies: [
        policy('by-name', 'Enforce', {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['payments'] }],
        }),
      ],
      value: 'enforce',
      decidedBy: ['by-name'],
    },
    {
      case: 'a policy selecting on the label itself does not keep it alive',
      namespace: 'shop',
      labels: { [RESIDENCY_LABEL]: 'enforce' },
      policies: [selfChasing],
      value: null,
      decidedBy: [],
    },
  ];
  for (const row of table) {
    it(row.case, () => {
      const verdict = residencyLabelFor(row.namespace, row.labels, row.policies, scope);
      assert.deepEqual(verdict, { value: row.value, policies: row.decidedBy });
    });
  }
});
