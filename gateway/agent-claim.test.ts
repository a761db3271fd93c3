import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_LABEL } from '../apis/group-version.js';
import { claimAgent } from './agent-claim.js';

const identity = {
  namespace: 'team-a',
  serviceAccount: 'support-sa',
  username: 'system:serviceaccount:team-a:support-sa',
  pod: { name: 'support-0', uid: 'u1' },
};
const labels = { [AGENT_LABEL]: 'support' };

describe('claimAgent', () => {
  it('infers the agent from the label of the pod the token is bound to', () =>
    assert.deepEqual(claimAgent(identity, labels, undefined), {
      ok: true,
      agent: { namespace: 'team-a', name: 'support' },
    }));

  it('takes a header naming the same agent, by name or namespace/name', () => {
    assert.equal(claimAgent(identity, labels, 'support').ok, true);
    assert.equal(claimAgent(identity, labels, 'team-a/support').ok, true);
  });

  it('refuses another agent with 403 naming both', () => {
    const claim = claimAgent(identity, labels, 'writer');
    assert.equal(claim.ok, false);
    if (!claim.ok) {
      assert.equal(claim.error.status, 403);
      assert.match(claim.error.message, /acts for agent team-a\/support, not for agent team-a\/writer/);
    }
    const other = claimAgent(identity, labels, 'team-b/support');
    assert.ok(!other.ok && /not for agent team-b\/support/.test(other.error.message));
  });

  const refusals: [string, Parameters<typeof claimAgent>, number, RegExp][] = [
    ['a deleted pod', [identity, undefined, undefined], 401, /pod team-a\/support-0.*no longer exists/],
    [
      'a pod without the agent label',
      [identity, { app: 'x' }, undefined],
      403,
      /has no label governor.agents.dev\/agent/,
    ],
    [
      'a token bound to no pod',
      [{ ...identity, pod: undefined } as never, labels, undefined],
      403,
      /not bound to a pod/,
    ],
    [
      'a namespace the gateway does not serve',
      [identity, labels, undefined, ['team-b']],
      403,
      /serves agents of namespace team-b, not team-a/,
    ],
  ];
  for (const [what, args, status, message] of refusals) {
    it(`refuses ${what} with ${status}`, () => {
      const claim = claimAgent(...args);
      assert.equal(claim.ok, false);
      if (!claim.ok) {
        assert.equal(claim.error.status, status);
        assert.match(claim.error.message, message);
      }
    });
  }
});
