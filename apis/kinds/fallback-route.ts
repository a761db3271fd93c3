import { fallbackRouteSpec, fallbackRouteStatus } from '../fallback-route.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const fallbackRouteKind: KindDefinition = {
  kind: 'FallbackRoute',
  plural: 'fallbackroutes',
  singular: 'fallbackroute',
  shortNames: ['fr', 'route'],
  scope: 'Namespaced',
  description:
    'FallbackRoute gives, for one model the selected agents use, the ordered provider targets with timeouts, ' +
    'retries, a circuit breaker, a response cache, a static last-resort answer and the cheaper model to degrade to.',
  spec: fallbackRouteSpec,
  status: fallbackRouteStatus,
  printerColumns: [
    { name: 'Model', type: 'string', jsonPath: '.spec.model', description: 'Model the route applies to.' },
    {
      name: 'Active Target',
      type: 'string',
      jsonPath: '.status.activeTarget',
      description: 'Target answering now.',
    },
    { name: 'Circuit', type: 'string', jsonPath: '.status.circuit', description: 'Circuit states.' },
    {
      name: 'Degrade To',
      type: 'string',
      jsonPath: '.spec.degradeTo.model',
      description: 'Cheaper model.',
      priority: 1,
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
