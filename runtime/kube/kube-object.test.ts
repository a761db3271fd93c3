import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatKey, keyOf, objectKeyString, parseKey } from './kube-object.js';
import { apiVersionOf, collectionPath, objectPath, resourceName, resourceType } from './resource-type.js';
import { configMaps, deployments, leases } from './resources.js';

// A namespaced and a cluster-scoped custom resource, as a product defines its own.
const tokenBudgets = resourceType({
  group: 'governor.agents.dev',
  version: 'v1alpha1',
  plural: 'tokenbudgets',
  kind: 'TokenBudget',
  namespaced: true,
});
const dataResidencyPolicies = resourceType({
  group: 'governor.agents.dev',
  version: 'v1alpha1',
  plural: 'dataresidencypolicies',
  kind: 'DataResidencyPolicy',
  namespaced: false,
});

describe('object keys', () => {
  const cases: Array<[string, { namespace?: string; name: string }]> = [
    ['team-a/support', { namespace: 'team-a', name: 'support' }],
    ['eu-only', { name: 'eu-only' }],
  ];
  for (const [text, key] of cases) {
    it(`${text} round-trips`, () => {
      assert.deepEqual(parseKey(text), key);
      assert.equal(formatKey(key), text);
    });
  }

  it('come from an object, and a nameless object has none', () => {
    assert.equal(objectKeyString({ metadata: { namespace: 'a', name: 'b' } }), 'a/b');
    assert.throws(
      () => keyOf({ kind: 'Deployment', metadata: {} }),
      /a Deployment object without metadata.name has no key/,
    );
  });
});

describe('resource paths', () => {
  const cases: Array<[string, string, string]> = [
    ['core, one namespace', collectionPath(configMaps, 'a'), '/api/v1/namespaces/a/configmaps'],
    ['core, all namespaces', collectionPath(configMaps), '/api/v1/configmaps'],
    [
      'a group',
      objectPath(deployments, { namespace: 'a', name: 'web' }),
      '/apis/apps/v1/namespaces/a/deployments/web',
    ],
    [
      'a status subresource',
      objectPath(tokenBudgets, { namespace: 'a', name: 'daily' }, 'status'),
      '/apis/governor.agents.dev/v1alpha1/namespaces/a/tokenbudgets/daily/status',
    ],
    [
      'a cluster-scoped kind ignores namespaces',
      objectPath(dataResidencyPolicies, { namespace: 'x', name: 'eu-only' }),
      '/apis/governor.agents.dev/v1alpha1/dataresidencypolicies/eu-only',
    ],
    [
      'names are escaped',
      objectPath(leases, { namespace: 'a', name: 'x y' }),
      '/apis/coordination.k8s.io/v1/namespaces/a/leases/x%20y',
    ],
  ];
  for (const [name, path, expected] of cases) it(name, () => assert.equal(path, expected));

  it('name resources and API versions as kubectl does', () => {
    assert.equal(resourceName(deployments), 'deployments.apps');
    assert.equal(resourceName(configMaps), 'configmaps');
    assert.equal(apiVersionOf(configMaps), 'v1');
    assert.equal(apiVersionOf(tokenBudgets), 'governor.agents.dev/v1alpha1');
  });

  it('refuse a namespaced key without a namespace', () => {
    assert.throws(
      () => objectPath(deployments, { name: 'web' }),
      /deployments.apps is namespaced: the key of "web" needs a namespace/,
    );
  });
});
