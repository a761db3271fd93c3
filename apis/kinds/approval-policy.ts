import { approvalPolicySpec, approvalPolicyStatus } from '../approval-policy.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const approvalPolicyKind: KindDefinition = {
  kind: 'ApprovalPolicy',
  plural: 'approvalpolicies',
  singular: 'approvalpolicy',
  shortNames: ['apol'],
  scope: 'Cluster',
  description:
    'ApprovalPolicy says which namespaces need which sign-offs (e.g. DPO, CISO, business owner) before an agent ' +
    'version runs there, and which Kubernetes groups may give each one.',
  spec: approvalPolicySpec,
  status: approvalPolicyStatus,
  printerColumns: [
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Enforce, Warn or Audit.' },
    { name: 'Roles', type: 'string', jsonPath: '.spec.roles[*].name', description: 'Required roles.' },
    {
      name: 'Pending',
      type: 'integer',
      jsonPath: '.status.pendingCount',
      description: 'Workloads whose version lacks an approval.',
    },
    {
      name: 'Stale',
      type: 'integer',
      jsonPath: '.status.staleCount',
      description: 'Workloads approved only under an older version.',
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
