import { evaluationGateSpec, evaluationGateStatus } from '../evaluation-gate.js';
import { AGE_COLUMN, type KindDefinition, READY_COLUMN } from './kind-definition.js';

export const evaluationGateKind: KindDefinition = {
  kind: 'EvaluationGate',
  plural: 'evaluationgates',
  singular: 'evaluationgate',
  shortNames: ['evalgate'],
  scope: 'Namespaced',
  description:
    "EvaluationGate replays a corpus of captured calls against each new pod template of an agent's Deployment " +
    'in a Job, judges it against pass criteria and, in Enforce mode, holds the rollout until it passes.',
  spec: evaluationGateSpec,
  status: evaluationGateStatus,
  printerColumns: [
    { name: 'Agent', type: 'string', jsonPath: '.spec.agent', description: 'The agent evaluated.' },
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Enforce or Observe.' },
    {
      name: 'Verdict',
      type: 'string',
      jsonPath: '.status.verdict',
      description: 'Pending, Pass, Fail or Error.',
    },
    {
      name: 'Pass Rate',
      type: 'number',
      jsonPath: '.status.passRate',
      description: 'Share of the cases that passed.',
    },
    {
      name: 'Template',
      type: 'string',
      jsonPath: '.status.templateHash',
      description: 'Hash of the pod template the verdict is for.',
      priority: 1,
    },
    { ...READY_COLUMN, priority: 1 },
    AGE_COLUMN,
  ],
};
