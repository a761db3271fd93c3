import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentAccounts, type AgentAction, agentBindingRefusal } from './agent-binding.js';
import { serviceAccountOf } from './service-account-identity.js';

const identity = (username: string) => {
  const found = serviceAccountOf(username);
  if (!found) throw new Error(username);
  return found;
};
const support = { namespace: 'team-a', name: 'support' };
const synced = (...serviceAccounts: string[]): AgentAccounts => ({ synced: true, serviceAccounts });

describe('agentBindingRefusal', () => {
  const cases: Array<{
    what: string;
    user: string;
    action: AgentAction;
    accounts: AgentAccounts | undefined;
    status?: number;
    message?: RegExp;
  }> = [
    {
      what: 'the agent’s own ServiceAccount reads its policy',
      user: 'system:serviceaccount:team-a:support-sa',
      action: 'read the policy of',
      accounts: synced('default', 'support-sa'),
    },
    {
      what: 'the agent’s own ServiceAccount reports its usage',
      user: 'system:serviceaccount:team-a:default',
      action: 'report usage of',
      accounts: synced('default'),
    },
    {
      what: 'another ServiceAccount of the namespace may not read the policy',
      user: 'system:serviceaccount:team-a:writer-sa',
      action: 'read the policy of',
      accounts: synced('support-sa'),
      status: 403,
      message:
        /^ServiceAccount team-a\/writer-sa may not read the policy of agent team-a\/support: the workloads of agent team-a\/support run as ServiceAccount support-sa;/,
    },
    {
      what: 'another ServiceAccount of the namespace may not report usage',
      user: 'system:serviceaccount:team-a:writer-sa',
      action: 'report usage of',
      accounts: synced('support-sa', 'support-batch'),
      status: 403,
      message:
        /^ServiceAccount team-a\/writer-sa may not report usage of agent team-a\/support: .*run as ServiceAccount support-sa, support-batch/,
    },
    {
      what: 'an agent without workloads is bound to no ServiceAccount',
      user: 'system:serviceaccount:team-a:default',
      action: 'report usage of',
      accounts: synced(),
      status: 403,
      message: /agent team-a\/support has no Deployment, StatefulSet, Job or CronJob/,
    },
    {
      what: 'a token of another namespace is refused whatever the binding',
      user: 'system:serviceaccount:team-b:support-sa',
      action: 'read the policy of',
      accounts: synced('support-sa'),
      status: 403,
      message:
        /^ServiceAccount team-b\/support-sa may not read the policy of agent team-a\/support in namespace team-a/,
    },
    {
      what: 'before the workload caches listed: 503, retried by the sidecar',
      user: 'system:serviceaccount:team-a:support-sa',
      action: 'report usage of',
      accounts: { synced: false, serviceAccounts: [] },
      status: 503,
      message: /not yet listed the workloads of agent team-a\/support/,
    },
    {
      what: 'without a binding: the namespace alone decides',
      user: 'system:serviceaccount:team-a:anyone',
      action: 'report usage of',
      accounts: undefined,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const refusal = agentBindingRefusal(identity(c.user), support, c.action, c.accounts);
      if (c.status === undefined) return assert.equal(refusal, undefined);
      assert.equal(refusal?.status, c.status);
      assert.match(refusal?.message ?? '', c.message ?? /./);
    });
  }
});
