import { retentionPolicySpec, retentionPolicyStatus } from '../retention-policy.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const retentionPolicyKind: KindDefinition = {
  kind: 'RetentionPolicy',
  plural: 'retentionpolicies',
  singular: 'retentionpolicy',
  shortNames: ['retention'],
  scope: 'Cluster',
  description:
    'RetentionPolicy (one, named default) says how long the product keeps each kind of data it stores; the ' +
    'operator enforces and reports it.',
  spec: retentionPolicySpec,
  status: retentionPolicyStatus,
  printerColumns: [
    { name: 'Usage History', type: 'string', jsonPath: '.spec.usageHistory', description: 'Usage kept.' },
    {
      name: 'Response Cache',
      type: 'string',
      jsonPath: '.spec.responseCache',
      description: 'Longest cache TTL.',
    },
    {
      name: 'Enforced',
      type: 'date',
      jsonPath: '.status.lastEnforcedTime',
      description: 'When retention was last enforced.',
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
