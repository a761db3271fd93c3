import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMap } from '../runtime/kube/resources.js';
import { caConfigMapChange, SERVICES_CA_CONFIG_MAP } from './services-ca-config-map.js';

const ours = (data: Record<string, string>): ConfigMap => ({
  metadata: {
    name: SERVICES_CA_CONFIG_MAP,
    namespace: 'team-a',
    resourceVersion: '7',
    labels: { 'app.kubernetes.io/managed-by': 'agent-governor' },
  },
  data,
});

describe('caConfigMapChange', () => {
  it('creates the ConfigMap where there is none', () => {
    const change = caConfigMapChange('team-a', 'PEM', undefined);
    assert.equal(change.kind, 'create');
    if (change.kind !== 'create') return;
    assert.deepEqual(change.configMap.data, { 'ca.crt': 'PEM' });
    assert.equal(change.configMap.metadata?.name, 'agent-governor-services-ca');
    assert.equal(change.configMap.metadata?.labels?.['app.kubernetes.io/managed-by'], 'agent-governor');
  });
  it('leaves one holding the bundle alone', () =>
    assert.deepEqual(caConfigMapChange('team-a', 'PEM', ours({ 'ca.crt': 'PEM' })), { kind: 'none' }));
  it('updates one holding another bundle, keeping its resourceVersion (optimistic)', () => {
    const change = caConfigMapChange('team-a', 'NEW', ours({ 'ca.crt': 'OLD' }));
    assert.equal(change.kind, 'update');
    if (change.kind !== 'update') return;
    assert.deepEqual(change.configMap.data, { 'ca.crt': 'NEW' });
    assert.equal(change.configMap.metadata?.resourceVersion, '7');
  });
  it('drops keys someone added', () =>
    assert.equal(caConfigMapChange('team-a', 'PEM', ours({ 'ca.crt': 'PEM', extra: 'x' })).kind, 'update'));
  it('never takes over a ConfigMap it did not make', () => {
    const change = caConfigMapChange('team-a', 'PEM', {
      metadata: { name: SERVICES_CA_CONFIG_MAP, namespace: 'team-a' },
      data: { 'ca.crt': 'THEIRS' },
    });
    assert.equal(change.kind, 'foreign');
    if (change.kind === 'foreign')
      assert.match(change.message, /team-a\/agent-governor-services-ca exists and is not managed/);
  });
});
