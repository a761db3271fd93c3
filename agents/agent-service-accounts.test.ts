import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverAgents } from './agent-discovery.js';
import { agentServiceAccounts, serviceAccountOfTemplate } from './agent-service-accounts.js';

const deployment = (name: string, agent: string, spec: Record<string, unknown>) => ({
  metadata: { namespace: 'team-a', name },
  spec: { template: { metadata: { labels: { 'governor.agents.dev/agent': agent } }, spec } },
});

describe('serviceAccountOfTemplate', () => {
  const cases: Array<[string, unknown, string]> = [
    ['serviceAccountName', { serviceAccountName: 'support-sa' }, 'support-sa'],
    ['the deprecated serviceAccount', { serviceAccount: 'old-sa' }, 'old-sa'],
    ['serviceAccountName over serviceAccount', { serviceAccountName: 'a', serviceAccount: 'b' }, 'a'],
    ['nothing named: default', { containers: [] }, 'default'],
    ['an empty name: default', { serviceAccountName: '' }, 'default'],
    ['no spec: default', undefined, 'default'],
  ];
  for (const [what, spec, expected] of cases) {
    it(what, () => assert.equal(serviceAccountOfTemplate(spec === undefined ? {} : { spec }), expected));
  }
});

describe('agentServiceAccounts', () => {
  it('unions the accounts of every workload of the agent, sorted, once each', () => {
    const agents = discoverAgents([
      {
        kind: 'Deployment',
        objects: [
          deployment('web', 'support', { serviceAccountName: 'support-web' }),
          deployment('worker', 'support', {}),
          deployment('again', 'support', { serviceAccountName: 'support-web' }),
          deployment('other', 'writer', { serviceAccountName: 'writer' }),
        ],
      },
    ]);
    assert.deepEqual(agentServiceAccounts(agents.get('team-a/support')), ['default', 'support-web']);
    assert.deepEqual(agentServiceAccounts(agents.get('team-a/writer')), ['writer']);
  });
  it('is empty for an agent with no workloads', () => assert.deepEqual(agentServiceAccounts(undefined), []));
});
