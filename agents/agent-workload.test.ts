import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import { agentNameOf, isAgentWorkload } from './agent-workload.js';

const labelled = { 'governor.agents.dev/agent': 'support' };

describe('agentNameOf', () => {
  const cases: Array<[string, KubeObject & Record<string, unknown>, string | undefined]> = [
    [
      'a Deployment with the label on its pod template',
      { kind: 'Deployment', spec: { template: { metadata: { labels: labelled } } } },
      'support',
    ],
    [
      'a CronJob with the label on its job template',
      { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { metadata: { labels: labelled } } } } } },
      'support',
    ],
    [
      'a workload labelled only on its own metadata',
      { kind: 'Deployment', metadata: { labels: labelled }, spec: { template: {} } },
      undefined,
    ],
    [
      'a workload with an empty agent name',
      { kind: 'Job', spec: { template: { metadata: { labels: { 'governor.agents.dev/agent': '' } } } } },
      undefined,
    ],
    ['an object without a spec', { kind: 'ConfigMap' }, undefined],
  ];
  for (const [name, workload, expected] of cases) {
    it(name, () => {
      assert.equal(agentNameOf(workload), expected);
      assert.equal(isAgentWorkload(workload), expected !== undefined);
    });
  }
});
