import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverAgents, type WorkloadObject } from './agent-discovery.js';
import { agentNameOf } from './agent-workload.js';

const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [] } });
const deployment = (name: string, labels: Record<string, string>, namespace = 'agents'): WorkloadObject => ({
  metadata: { name, namespace },
  spec: { template: template(labels) },
});
const cronJob = (name: string, labels: Record<string, string>): WorkloadObject => ({
  metadata: { name, namespace: 'agents' },
  spec: { jobTemplate: { spec: { template: template(labels) } } },
});
const agent = 'governor.agents.dev/agent';
const criticality = 'governor.agents.dev/criticality';

describe('discoverAgents', () => {
  it('groups workloads of every kind by namespace and agent label', () => {
    const agents = discoverAgents([
      {
        kind: 'Deployment',
        objects: [deployment('marketing', { [agent]: 'marketing' }), deployment('web', { app: 'web' })],
      },
      { kind: 'CronJob', objects: [cronJob('report', { [agent]: 'marketing' })] },
      {
        kind: 'StatefulSet',
        objects: [deployment('support', { [agent]: 'support', [criticality]: 'critical' })],
      },
      { kind: 'Job', objects: [deployment('marketing', { [agent]: 'marketing' }, 'other')] },
    ]);
    assert.deepEqual([...agents.keys()].sort(), ['agents/marketing', 'agents/support', 'other/marketing']);
    const marketing = agents.get('agents/marketing');
    assert.deepEqual(
      marketing?.workloads.map((w) => `${w.kind}/${w.name}`),
      ['CronJob/report', 'Deployment/marketing'],
    );
    assert.equal(marketing?.critical, false);
    assert.equal(agents.get('agents/support')?.critical, true);
  });

  it('marks the agent critical when any workload is critical, and ignores other criticality values', () => {
    const agents = discoverAgents([
      {
        kind: 'Deployment',
        objects: [
          deployment('a', { [agent]: 'x', [criticality]: 'high' }),
          deployment('b', { [agent]: 'y', [criticality]: 'high' }),
          deployment('c', { [agent]: 'y', [criticality]: 'critical' }),
        ],
      },
    ]);
    assert.equal(agents.get('agents/x')?.critical, false);
    assert.equal(agents.get('agents/y')?.critical, true);
  });

  it('ignores workloads whose agent label is empty or that lack a template', () => {
    const agents = discoverAgents([
      {
        kind: 'Deployment',
        objects: [deployment('a', { [agent]: '' }), { metadata: { name: 'b', namespace: 'agents' } }],
      },
    ]);
    assert.equal(agents.size, 0);
  });

  it('reads the CronJob label from its job template, not spec.template', () => {
    assert.equal(agentNameOf(cronJob('r', { [agent]: 'reports' })), 'reports');
    assert.equal(agentNameOf(cronJob('r', { [agent]: '' })), undefined);
  });
});
