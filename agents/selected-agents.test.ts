import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import { agentNames, selectedWorkloads } from './selected-agents.js';

const agent = 'governor.agents.dev/agent';
const deployment = (name: string, namespace: string, labels: Record<string, string>): KubeObject =>
  ({
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 2, template: { metadata: { labels } } },
  }) as KubeObject;
const cronJob = (name: string, labels: Record<string, string>): KubeObject & { spec?: unknown } =>
  ({
    kind: 'CronJob',
    metadata: { name, namespace: 'agents' },
    spec: { jobTemplate: { spec: { template: { metadata: { labels } } } } },
  }) as KubeObject;

describe('selectedWorkloads', () => {
  const objects = [
    deployment('writer', 'agents', { [agent]: 'writer', team: 'marketing' }),
    deployment('writer-canary', 'agents', { [agent]: 'writer', team: 'marketing' }),
    deployment('support', 'agents', { [agent]: 'support', team: 'support' }),
    deployment('web', 'agents', { team: 'marketing' }),
    deployment('writer', 'other', { [agent]: 'writer', team: 'marketing' }),
    cronJob('digest', { [agent]: 'digest', team: 'marketing' }),
  ];

  it('selects agent workloads of the namespace by pod-template labels', () => {
    const selected = selectedWorkloads(objects, 'agents', { matchLabels: { team: 'marketing' } });
    assert.deepEqual(
      selected.map((s) => `${s.workload.kind}/${s.workload.name}`),
      ['CronJob/digest', 'Deployment/writer', 'Deployment/writer-canary'],
    );
    assert.deepEqual(agentNames(selected), ['digest', 'writer']);
  });

  it('never selects a workload without the agent label, nor one in another namespace', () => {
    const selected = selectedWorkloads(objects, 'agents', {});
    assert.ok(!selected.some((s) => s.workload.name === 'web'));
    assert.equal(selected.filter((s) => s.workload.name === 'writer').length, 1);
  });
});

describe('isAgentWorkload', () => {
  it('recognises a CronJob as listed, without kind', async () => {
    const { isAgentWorkload } = await import('./agent-workload.js');
    const listed = {
      metadata: { name: 'digest', namespace: 'agents' },
      spec: cronJob('digest', { [agent]: 'digest' }).spec,
    };
    assert.equal(isAgentWorkload(listed as KubeObject), true);
    assert.equal(isAgentWorkload(deployment('web', 'agents', { team: 'x' })), false);
  });
});
