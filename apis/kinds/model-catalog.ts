import { modelCatalogSpec, modelCatalogStatus } from '../model-catalog.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const modelCatalogKind: KindDefinition = {
  kind: 'ModelCatalog',
  plural: 'modelcatalogs',
  singular: 'modelcatalog',
  shortNames: ['mc', 'catalog'],
  scope: 'Cluster',
  description:
    'ModelCatalog declares the prices (per million tokens, in a currency, from a date on), output limits and hosts ' +
    'of the models agents call, and the exchange rates budgets convert costs with; the built-in tables are dated ' +
    'defaults for every model no catalog declares.',
  spec: modelCatalogSpec,
  status: modelCatalogStatus,
  printerColumns: [
    { name: 'Models', type: 'integer', jsonPath: '.status.models', description: 'Models declared.' },
    {
      name: 'Priced',
      type: 'integer',
      jsonPath: '.status.pricedModels',
      description: 'Models with a price in effect now, from this catalog.',
    },
    {
      name: 'Next Price Change',
      type: 'string',
      jsonPath: '.status.nextPriceChange',
      description: 'When a declared price next takes effect.',
      priority: 1,
    },
    {
      name: 'Defaults As Of',
      type: 'string',
      jsonPath: '.status.builtInDefaultsAsOf',
      description: 'Date of the built-in tables used for models no catalog declares.',
      priority: 1,
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
