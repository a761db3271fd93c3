import { dataResidencyPolicySpec, dataResidencyPolicyStatus } from '../data-residency-policy.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const dataResidencyPolicyKind: KindDefinition = {
  kind: 'DataResidencyPolicy',
  plural: 'dataresidencypolicies',
  singular: 'dataresidencypolicy',
  shortNames: ['drp', 'residency'],
  scope: 'Cluster',
  description:
    'DataResidencyPolicy names the regions and jurisdictions agent traffic from the selected namespaces may reach; ' +
    'workloads that would send data elsewhere are refused at admission and blocked by the sidecar.',
  spec: dataResidencyPolicySpec,
  status: dataResidencyPolicyStatus,
  printerColumns: [
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Enforce, Warn or Audit.' },
    {
      name: 'Regions',
      type: 'string',
      jsonPath: '.spec.allowedRegions',
      description: 'Allowed regions.',
      priority: 1,
    },
    {
      name: 'Jurisdictions',
      type: 'string',
      jsonPath: '.spec.allowedJurisdictions',
      description: 'Allowed jurisdictions.',
    },
    {
      name: 'Violations',
      type: 'integer',
      jsonPath: '.status.violationCount',
      description: 'Violations found.',
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
