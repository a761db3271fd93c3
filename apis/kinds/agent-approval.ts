import { agentApprovalSpec } from '../agent-approval.js';
import { AGE_COLUMN, type KindDefinition } from './kind-definition.js';

export const agentApprovalKind: KindDefinition = {
  kind: 'AgentApproval',
  plural: 'agentapprovals',
  singular: 'agentapproval',
  shortNames: ['approval'],
  scope: 'Namespaced',
  description:
    'AgentApproval records one sign-off of one agent version by one role; admission lets only a member of the ' +
    "role's groups create it, as themselves. Immutable.",
  spec: agentApprovalSpec,
  printerColumns: [
    { name: 'Agent', type: 'string', jsonPath: '.spec.agent', description: 'Agent approved.' },
    {
      name: 'Version',
      type: 'string',
      jsonPath: '.spec.version',
      description: 'Version fingerprint approved.',
    },
    { name: 'Role', type: 'string', jsonPath: '.spec.role', description: 'Role approving.' },
    { name: 'Approver', type: 'string', jsonPath: '.spec.approver', description: 'Who approved.' },
    AGE_COLUMN,
  ],
};
