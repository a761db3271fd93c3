import { promptTemplateSpec, promptTemplateStatus } from '../prompt-template.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const promptTemplateKind: KindDefinition = {
  kind: 'PromptTemplate',
  plural: 'prompttemplates',
  singular: 'prompttemplate',
  shortNames: ['pt', 'prompt'],
  scope: 'Namespaced',
  description:
    'PromptTemplate is a versioned prompt (messages with {{variable}} placeholders and the variables they take) ' +
    "the sidecars of the namespace's agents render when a call names it in x-governor-prompt-template.",
  spec: promptTemplateSpec,
  status: promptTemplateStatus,
  printerColumns: [
    {
      name: 'Version',
      type: 'string',
      jsonPath: '.spec.version',
      description: 'The version sidecars serve.',
    },
    {
      name: 'Messages',
      type: 'integer',
      jsonPath: '.status.messages',
      description: 'Messages of the accepted version.',
    },
    {
      name: 'Variables',
      type: 'integer',
      jsonPath: '.status.variables',
      description: 'Variables of the accepted version.',
    },
    {
      name: 'Description',
      type: 'string',
      jsonPath: '.spec.description',
      description: 'What the template is for.',
      priority: 1,
    },
    READY_COLUMN,
    AGE_COLUMN,
  ],
};
