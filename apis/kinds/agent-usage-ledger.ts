import { usageLedgerSpec } from '../usage-ledger.js';
import { AGE_COLUMN, type KindDefinition } from './kind-definition.js';

export const agentUsageLedgerKind: KindDefinition = {
  kind: 'AgentUsageLedger',
  plural: 'agentusageledgers',
  singular: 'agentusageledger',
  shortNames: ['ledger'],
  scope: 'Namespaced',
  description:
    'AgentUsageLedger records the usage of one agent (period counters, latency and outcome buckets, the last ' +
    'batch per sidecar instance). Written by the operator; budgets and SLOs read it. Not in the governor ' +
    'category: it is bookkeeping, not policy.',
  spec: usageLedgerSpec,
  categories: [],
  printerColumns: [
    { name: 'Agent', type: 'string', jsonPath: '.spec.agent', description: 'Agent the usage belongs to.' },
    {
      name: 'Requests',
      type: 'integer',
      jsonPath: '.spec.totals.requests',
      description: 'Calls recorded since the ledger was created.',
    },
    {
      name: 'Output Tokens',
      type: 'integer',
      jsonPath: '.spec.totals.outputTokens',
      description: 'Output tokens recorded since the ledger was created.',
      priority: 1,
    },
    {
      name: 'Updated',
      type: 'date',
      jsonPath: '.spec.updatedAt',
      description: 'When the last usage batch was recorded.',
    },
    AGE_COLUMN,
  ],
};
