import { tokenBudgetSpec, tokenBudgetStatus } from '../token-budget.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const tokenBudgetKind: KindDefinition = {
  kind: 'TokenBudget',
  plural: 'tokenbudgets',
  singular: 'tokenbudget',
  shortNames: ['tb', 'budget'],
  scope: 'Namespaced',
  description:
    'TokenBudget limits the tokens and money the selected agents spend per period, with thresholds that alert, ' +
    'degrade to a cheaper model, throttle or suspend, and a per-request reasoning budget.',
  spec: tokenBudgetSpec,
  status: tokenBudgetStatus,
  printerColumns: [
    {
      name: 'Used',
      type: 'integer',
      jsonPath: '.status.used.tokens',
      description: 'Tokens used this period.',
    },
    {
      name: 'Limit',
      type: 'integer',
      jsonPath: '.spec.limits.tokens',
      description: 'Token limit per period.',
    },
    {
      name: 'Cost',
      type: 'string',
      jsonPath: '.status.used.cost',
      description: 'Money spent this period.',
      priority: 1,
    },
    {
      name: 'Unpriced',
      type: 'integer',
      jsonPath: '.status.pricing.unpricedCalls',
      description:
        'Calls this period the budget could not price in its currency (see condition PricingComplete).',
      priority: 1,
    },
    {
      name: '%',
      type: 'integer',
      jsonPath: '.status.percent',
      description: 'Usage as a percentage of the tightest limit.',
    },
    {
      name: 'Forecast',
      type: 'integer',
      jsonPath: '.status.forecast.percent',
      description: 'Projected usage at the end of the period, as a percentage of the tightest limit.',
    },
    {
      name: 'Phase',
      type: 'string',
      jsonPath: '.status.phase',
      description: 'Active, Warning or Exhausted.',
    },
    {
      name: 'Resets',
      type: 'string',
      jsonPath: '.status.periodEnd',
      description: 'Next reset (RFC 3339).',
    },
    { ...READY_COLUMN, priority: 1 },
    AGE_COLUMN,
  ],
};
