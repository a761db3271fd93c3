import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMap } from '../runtime/kube/resources.js';
import { policyFor } from '../sidecar-services/testdata/policies.js';
import {
  POLICY_FILE_KEY,
  policyConfigMap,
  policyConfigMapName,
  policyInConfigMap,
} from './policy-config-map.js';

describe('policyConfigMapName', () => {
  it('is governor-policy-<agent> for an agent name that is a valid object name', () =>
    assert.equal(policyConfigMapName('support'), 'governor-policy-support'));
  it('cleans and hashes a label value that is not a valid object name', () => {
    const name = policyConfigMapName('Support_Bot');
    assert.match(name, /^governor-policy-support-bot-[0-9a-f]{10}$/);
    assert.notEqual(name, policyConfigMapName('support-bot'));
  });
});

describe('policyConfigMap / policyInConfigMap', () => {
  const policy = { ...policyFor('team-a', 'support'), version: '1718000000000' };

  it('round-trips a policy with the labels the sidecar injector and restore select', () => {
    const configMap = policyConfigMap(policy);
    assert.equal(configMap.metadata?.name, 'governor-policy-support');
    assert.equal(configMap.metadata?.namespace, 'team-a');
    assert.deepEqual(configMap.metadata?.labels, {
      'app.kubernetes.io/managed-by': 'agent-governor',
      'governor.agents.dev/agent': 'support',
    });
    assert.deepEqual(policyInConfigMap(configMap), { ok: true, policy });
  });

  const broken: [string, (c: ConfigMap) => ConfigMap, RegExp][] = [
    [
      'without the key',
      (c) => ({ ...c, data: {} }),
      /ConfigMap team-a\/governor-policy-support has no data key policy\.json/,
    ],
    [
      'with text that is not JSON',
      (c) => ({ ...c, data: { [POLICY_FILE_KEY]: '{' } }),
      /policy\.json is not JSON/,
    ],
    [
      'with an invalid policy',
      (c) => ({ ...c, data: { [POLICY_FILE_KEY]: JSON.stringify({ ...policy, routes: 'none' }) } }),
      /not a valid EffectivePolicy: routes:/,
    ],
    [
      'labelled for another agent',
      (c) => ({ ...c, metadata: { ...c.metadata, labels: { 'governor.agents.dev/agent': 'billing' } } }),
      /holds the policy of agent team-a\/support; expected team-a\/billing/,
    ],
    [
      'in another namespace',
      (c) => ({ ...c, metadata: { ...c.metadata, namespace: 'team-b' } }),
      /expected team-b\/support/,
    ],
  ];
  for (const [name, change, problem] of broken) {
    it(`refuses a mirror ${name}, naming it`, () => {
      const reading = policyInConfigMap(change(policyConfigMap(policy)));
      assert.equal(reading.ok, false);
      if (!reading.ok) assert.match(reading.problem, problem);
    });
  }
});
