import { agentSLOSpec, agentSLOStatus } from '../agent-slo.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const agentSLOKind: KindDefinition = {
  kind: 'AgentSLO',
  plural: 'agentslos',
  singular: 'agentslo',
  shortNames: ['slo'],
  scope: 'Namespaced',
  description:
    'AgentSLO sets latency and success objectives for the selected agents, tracks the error budget and its burn ' +
    'rates, and says what to do when the budget burns fast.',
  spec: agentSLOSpec,
  status: agentSLOStatus,
  printerColumns: [
    {
      name: 'Latency',
      type: 'string',
      jsonPath: '.status.latency.observed',
      description: 'Latency at the target percentile.',
    },
    {
      name: 'Percentile',
      type: 'string',
      jsonPath: '.spec.objectives.latency.target',
      description: 'Target percentile of fast calls.',
      priority: 1,
    },
    {
      name: 'Target',
      type: 'string',
      jsonPath: '.spec.objectives.latency.threshold',
      description: 'Latency threshold.',
    },
    {
      name: 'Success',
      type: 'string',
      jsonPath: '.status.success.observedPercent',
      description: 'Observed success %.',
    },
    {
      name: 'Budget Left',
      type: 'string',
      jsonPath: '.status.errorBudgetRemainingPercent',
      description: 'Error budget left, %.',
    },
    {
      name: 'Fast Burn',
      type: 'boolean',
      jsonPath: '.status.fastBurn',
      description: 'Burning 14.4x over 1h and 5m.',
    },
    {
      name: 'Switched Since',
      type: 'date',
      jsonPath: '.status.switchedToFallback.since',
      description: "Since when SwitchToFallback sends the agents' calls to the next route target.",
      priority: 1,
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
