import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALIAS_SLICES_SELECTOR,
  type EndpointSliceObject,
  mayBeServiceAlias,
  type ServiceObject,
  serviceAliasOf,
  serviceLookupOf,
} from './cluster-service-aliases.js';

const service = (name: string, spec: ServiceObject['spec']): ServiceObject => ({
  metadata: { name, namespace: 'agents' },
  spec,
});
const slice = (serviceName: string, addresses: string[][], managedBy = 'staff'): EndpointSliceObject => ({
  metadata: {
    name: `${serviceName}-x`,
    namespace: 'agents',
    labels: {
      'kubernetes.io/service-name': serviceName,
      'endpointslice.kubernetes.io/managed-by': managedBy,
    },
  },
  addressType: 'IPv4',
  endpoints: addresses.map((a) => ({ addresses: a })),
});

describe('which Services may stand for an external host', () => {
  const cases: Array<[string, ServiceObject, boolean]> = [
    ['an ExternalName', service('a', { type: 'ExternalName', externalName: 'api.openai.com' }), true],
    ['a Service without a selector', service('b', { type: 'ClusterIP' }), true],
    ['a Service with an empty selector', service('c', { type: 'ClusterIP', selector: {} }), true],
    ['a Service with a selector', service('d', { type: 'ClusterIP', selector: { app: 'web' } }), false],
  ];
  for (const [name, object, want] of cases) it(name, () => assert.equal(mayBeServiceAlias(object), want));
  it('reads the slices a selector did not make', () =>
    assert.equal(
      ALIAS_SLICES_SELECTOR,
      'endpointslice.kubernetes.io/managed-by!=endpointslice-controller.k8s.io',
    ));
});

describe('serviceAliasOf', () => {
  it('an ExternalName stands for its externalName', () =>
    assert.deepEqual(
      serviceAliasOf(service('a', { type: 'ExternalName', externalName: ' api.openai.com ' }), []),
      {
        externalName: 'api.openai.com',
      },
    ));
  it('a selector-less Service for the addresses of its own slices, each once', () =>
    assert.deepEqual(
      serviceAliasOf(service('b', {}), [
        slice('b', [['203.0.113.7'], ['203.0.113.8', '203.0.113.7']]),
        slice('other', [['198.51.100.1']]),
      ]),
      { addresses: ['203.0.113.7', '203.0.113.8'] },
    ));
  it('none without addresses, nor for a Service with a selector', () => {
    assert.equal(serviceAliasOf(service('b', {}), []), undefined);
    assert.equal(
      serviceAliasOf(service('d', { selector: { app: 'web' } }), [slice('d', [['203.0.113.7']])]),
      undefined,
    );
    assert.equal(serviceAliasOf(undefined, []), undefined);
  });
});

describe('serviceLookupOf', () => {
  it('looks a Service up by namespace and name', () => {
    const services = [
      service('a', { type: 'ExternalName', externalName: 'eu.api.openai.com' }),
      service('b', {}),
    ];
    const slices = [slice('b', [['203.0.113.9']])];
    const lookup = serviceLookupOf({
      service: (namespace, name) =>
        services.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name),
      slices: (namespace) => slices.filter((s) => s.metadata?.namespace === namespace),
    });
    assert.deepEqual(lookup('agents', 'a'), { externalName: 'eu.api.openai.com' });
    assert.deepEqual(lookup('agents', 'b'), { addresses: ['203.0.113.9'] });
    assert.equal(lookup('other', 'a'), undefined);
  });
});
